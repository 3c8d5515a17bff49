package plan

import (
	"fmt"
	"strings"
)

// Account fields end up as colon-separated lines of /etc/passwd,
// /etc/group, /etc/shadow and /etc/gshadow, so a field holding ':' or a
// newline would add fields or whole lines (a second uid-0 account, say).
// CheckUser and CheckUserGroup refuse every byte those formats cannot hold,
// with the rules below; the accounts stage checks again before it writes.
//
//   - Names (users, their groups, groups): 1 to 32 bytes of A-Z, a-z, 0-9,
//     '_', '.' and '-', optionally ending in '$'; not starting with '-';
//     not all digits; not "." or "..": useradd(8) and groupadd(8) of
//     shadow-utils, which distributions' tools enforce.
//   - home and shell: absolute paths without ':' or control characters.
//   - comment (GECOS): no ':' and no control characters.
//   - password: printable ASCII without ':' or spaces (a crypt(3) hash,
//     or "!"/"*" for a locked account).
//   - uid and gid: 0 to MaxID.

// maxAccountName is the longest user or group name useradd accepts.
const maxAccountName = 32

// CheckAccountName checks a user or group name (what is "user" or "group").
func CheckAccountName(what, name string) error {
	switch {
	case name == "" || len(name) > maxAccountName:
		return fmt.Errorf("%s name %q: must be 1 to %d characters long", what, name, maxAccountName)
	case name == "." || name == "..":
		return fmt.Errorf("%s name %q: must not be . or ..", what, name)
	case name[0] == '-':
		return fmt.Errorf("%s name %q: must not start with '-'", what, name)
	case strings.Trim(name, "0123456789") == "":
		return fmt.Errorf("%s name %q: must not be all digits", what, name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-':
		case c == '$' && i == len(name)-1:
		default:
			return fmt.Errorf("%s name %q: may contain only letters, digits, '_', '.', '-' and a final '$' (found %q)", what, name, c)
		}
	}
	return nil
}

// checkField refuses ':' and control characters (newlines among them) in
// a free-text account field.
func checkField(what, v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == ':' || c < 0x20 || c == 0x7f {
			return fmt.Errorf("%s %q: must not contain %q (passwd and group lines are ':'-separated, one per line)", what, v, c)
		}
	}
	return nil
}

func checkAccountPath(what, v string) error {
	if !strings.HasPrefix(v, "/") {
		return fmt.Errorf("%s %q: must be an absolute path", what, v)
	}
	return checkField(what, v)
}

func checkPassword(v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return fmt.Errorf("password: must be printable ASCII without ':' or spaces (a crypt(3) hash, or \"!\" or \"*\"); found %q", c)
		}
	}
	return nil
}

func checkID(what string, id *int64) error {
	if id != nil && (*id < 0 || *id > MaxID) {
		return fmt.Errorf("%s %d: must be between 0 and %d", what, *id, int64(MaxID))
	}
	return nil
}

// CheckUser checks one user's fields (see the rules above); the error is
// positioned at the user.
func CheckUser(u User) error {
	err := CheckAccountName("user", u.Name)
	if err == nil && u.Group != "" {
		err = CheckAccountName("group", u.Group)
	}
	for _, g := range u.Groups {
		if err == nil {
			err = CheckAccountName("group", g)
		}
	}
	if err == nil {
		err = checkID("uid", u.UID)
	}
	if err == nil && u.Home != "" {
		err = checkAccountPath("home", u.Home)
	}
	if err == nil && u.Shell != "" {
		err = checkAccountPath("shell", u.Shell)
	}
	if err == nil {
		err = checkField("comment", u.Comment)
	}
	if err == nil {
		err = checkPassword(u.Password)
	}
	if err != nil {
		return Errorf(u.Pos, "user %q: %v", u.Name, err)
	}
	return nil
}

// CheckUserGroup checks one group's fields; the error is positioned at it.
func CheckUserGroup(g UserGroup) error {
	err := CheckAccountName("group", g.Name)
	if err == nil {
		err = checkID("gid", g.GID)
	}
	if err != nil {
		return Errorf(g.Pos, "group %q: %v", g.Name, err)
	}
	return nil
}
