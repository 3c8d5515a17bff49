package stages

import (
	"bufio"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/tree"
)

// Id ranges for allocation, as Fedora and Debian use them.
const (
	systemIDMin, systemIDMax = 500, 999
	userIDMin, userIDMax     = 1000, 59999
)

// Accounts is the accounts stage: it merges declared users and groups into
// /etc/passwd, /etc/group, /etc/shadow and /etc/gshadow (modes 0644, 0644,
// 0000, 0000). Ids come from the plan when given; otherwise from a hash of
// the name within the system or user range, probing upward past ids in
// use, so a name keeps its id across builds and across machines.
type Accounts struct {
	tree  *tree.Tree
	epoch int64
}

// NewAccounts returns the stage.
func NewAccounts(t *tree.Tree, epoch int64) *Accounts { return &Accounts{tree: t, epoch: epoch} }

type table struct {
	path  string
	mode  uint32
	lines [][]string // fields
}

func (a *Accounts) read(path string, mode uint32) (*table, error) {
	t := &table{path: path, mode: mode}
	rc, err := a.tree.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil // absent: start empty
	} else if err != nil {
		return nil, err
	}
	defer rc.Close()
	sc := bufio.NewScanner(io.LimitReader(rc, 16<<20))
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			t.lines = append(t.lines, strings.Split(line, ":"))
		}
	}
	return t, sc.Err()
}

func (t *table) find(name string) []string {
	for _, l := range t.lines {
		if l[0] == name {
			return l
		}
	}
	return nil
}

func (t *table) set(fields []string) {
	for i, l := range t.lines {
		if l[0] == fields[0] {
			t.lines[i] = fields
			return
		}
	}
	t.lines = append(t.lines, fields)
}

func (t *table) ids(field int) map[int64]string {
	out := map[int64]string{}
	for _, l := range t.lines {
		if len(l) > field {
			if id, err := strconv.ParseInt(l[field], 10, 64); err == nil {
				out[id] = l[0]
			}
		}
	}
	return out
}

func (a *Accounts) write(t *table) error {
	var b strings.Builder
	for _, l := range t.lines {
		b.WriteString(strings.Join(l, ":"))
		b.WriteByte('\n')
	}
	meta := tree.Meta{Mode: t.mode, Mtime: a.epoch, Source: "accounts"}
	return a.tree.WriteFile(t.path, strings.NewReader(b.String()), meta)
}

// Apply merges m's users and groups; with none declared it changes nothing.
// Every declared field is checked again (plan.CheckUser, CheckUserGroup)
// before a line is written, so nothing unvalidated reaches the files.
func (a *Accounts) Apply(m *plan.Machine) error {
	if len(m.Users) == 0 && len(m.UserGroups) == 0 {
		return nil
	}
	for _, u := range m.Users {
		if err := plan.CheckUser(u); err != nil {
			return err
		}
	}
	for _, g := range m.UserGroups {
		if err := plan.CheckUserGroup(g); err != nil {
			return err
		}
	}
	tabs := map[string]*table{}
	for _, f := range []struct {
		path string
		mode uint32
	}{{"/etc/passwd", 0o644}, {"/etc/group", 0o644}, {"/etc/shadow", 0}, {"/etc/gshadow", 0}} {
		t, err := a.read(f.path, f.mode)
		if err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
		tabs[f.path] = t
	}
	if err := mergeGroups(tabs, m); err != nil {
		return err
	}
	if err := mergeUsers(tabs, m); err != nil {
		return err
	}
	for _, p := range []string{"/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"} {
		if err := a.write(tabs[p]); err != nil {
			return err
		}
	}
	return nil
}

func mergeGroups(tabs map[string]*table, m *plan.Machine) error {
	group, gshadow := tabs["/etc/group"], tabs["/etc/gshadow"]
	// Groups named by users (primary group equal to the user's name, or
	// supplementary) are created when not declared.
	declared := append([]plan.UserGroup(nil), m.UserGroups...)
	for _, u := range m.Users {
		for _, g := range append([]string{primaryGroup(u)}, u.Groups...) {
			if group.find(g) == nil && !hasGroup(declared, g) {
				declared = append(declared, plan.UserGroup{Pos: u.Pos, Name: g, System: u.System})
			}
		}
	}
	for _, g := range declared {
		gid, err := allocate(group.ids(2), g.Name, g.GID, g.System, group.find(g.Name), 2)
		if err != nil {
			return plan.Errorf(g.Pos, "group %q: %v", g.Name, err)
		}
		members := ""
		if old := group.find(g.Name); old != nil && len(old) > 3 {
			members = old[3]
		}
		group.set([]string{g.Name, "x", strconv.FormatInt(gid, 10), members})
		if gshadow.find(g.Name) == nil {
			gshadow.set([]string{g.Name, "!", "", members})
		}
	}
	for _, u := range m.Users {
		for _, g := range u.Groups {
			addMember(group, g, u.Name)
			addMember(gshadow, g, u.Name)
		}
	}
	return nil
}

func hasGroup(gs []plan.UserGroup, name string) bool {
	for _, g := range gs {
		if g.Name == name {
			return true
		}
	}
	return false
}

func primaryGroup(u plan.User) string {
	if u.Group != "" {
		return u.Group
	}
	return u.Name
}

// addMember adds user to group's member list (the fourth field), making
// the field if a line lacks it.
func addMember(t *table, group, user string) {
	l := t.find(group)
	if l == nil {
		return // created by mergeGroups before; gshadow may lack it
	}
	for len(l) < 4 {
		l = append(l, "")
	}
	t.set(l)
	for _, mbr := range strings.Split(l[3], ",") {
		if mbr == user {
			return
		}
	}
	if l[3] == "" {
		l[3] = user
	} else {
		l[3] += "," + user
	}
}

func mergeUsers(tabs map[string]*table, m *plan.Machine) error {
	passwd, shadow, group := tabs["/etc/passwd"], tabs["/etc/shadow"], tabs["/etc/group"]
	for _, u := range m.Users {
		uid, err := allocate(passwd.ids(2), u.Name, u.UID, u.System, passwd.find(u.Name), 2)
		if err != nil {
			return plan.Errorf(u.Pos, "user %q: %v", u.Name, err)
		}
		g := group.find(primaryGroup(u))
		if len(g) < 3 {
			return plan.Errorf(u.Pos, "user %q: the image's /etc/group line for %q is malformed: %q", u.Name, primaryGroup(u), strings.Join(g, ":"))
		}
		home, shell := u.Home, u.Shell
		if home == "" {
			home = "/home/" + u.Name
			if u.System {
				home = "/"
			}
		}
		if shell == "" {
			shell = "/bin/sh"
		}
		passwd.set([]string{u.Name, "x", strconv.FormatInt(uid, 10), g[2], u.Comment, home, shell})
		password := u.Password
		if password == "" {
			password = "!"
		}
		shadow.set([]string{u.Name, password, "", "0", "99999", "7", "", "", ""})
	}
	return nil
}

// allocate returns the id for name: the explicit one (refused when another
// entry has it), the one it already has, or a hashed free one.
func allocate(used map[int64]string, name string, explicit *int64, system bool, existing []string, field int) (int64, error) {
	if explicit != nil {
		if other, ok := used[*explicit]; ok && other != name {
			return 0, fmt.Errorf("id %d is already %q's", *explicit, other)
		}
		return *explicit, nil
	}
	if existing != nil && len(existing) > field {
		if id, err := strconv.ParseInt(existing[field], 10, 64); err == nil {
			return id, nil
		}
	}
	lo, hi := int64(userIDMin), int64(userIDMax)
	if system {
		lo, hi = systemIDMin, systemIDMax
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	span := hi - lo + 1
	start := int64(h.Sum32()) % span
	for i := int64(0); i < span; i++ {
		id := lo + (start+i)%span
		if _, taken := used[id]; !taken {
			return id, nil
		}
	}
	return 0, fmt.Errorf("no free id between %d and %d", lo, hi)
}
