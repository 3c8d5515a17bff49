package stages

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/disco-build/disco/stages/tree"
)

// idMap maps user and group names to ids through the image's own
// /etc/passwd and /etc/group, as they stand when asked (rpm does the same
// while it installs).
type idMap struct {
	users, groups map[string]uint32
	stamp         [2]string // sha256 of the files the maps were read from
}

// refresh rereads the files when they changed.
func (m *idMap) refresh(t *tree.Tree) {
	stamp := [2]string{fileSum(t, "/etc/passwd"), fileSum(t, "/etc/group")}
	if m.users != nil && stamp == m.stamp {
		return
	}
	m.users = readIDs(t, "/etc/passwd", 2)
	m.groups = readIDs(t, "/etc/group", 2)
	m.stamp = stamp
}

func fileSum(t *tree.Tree, p string) string {
	e, err := t.Lookup(p)
	if err != nil || e == nil {
		return ""
	}
	return e.SHA256
}

// readIDs reads "name:x:ID:..." lines; field is the index of the id.
func readIDs(t *tree.Tree, p string, field int) map[string]uint32 {
	ids := map[string]uint32{"root": 0}
	rc, err := t.Open(p)
	if err != nil {
		return ids
	}
	defer rc.Close()
	sc := bufio.NewScanner(io.LimitReader(rc, 16<<20))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) <= field || f[0] == "" {
			continue
		}
		if id, err := strconv.ParseUint(f[field], 10, 32); err == nil {
			if _, dup := ids[f[0]]; !dup || f[0] == "root" {
				ids[f[0]] = uint32(id)
			}
		}
	}
	return ids
}

// lookup returns the ids of a file's owner names; unknown names map to
// root (0), as rpm does, and are reported.
func (m *idMap) lookup(user, group string) (uid, gid uint32, unknown []string) {
	uid, ok := m.users[user]
	if !ok {
		unknown = append(unknown, "user "+user)
	}
	gid, ok = m.groups[group]
	if !ok {
		unknown = append(unknown, "group "+group)
	}
	return uid, gid, unknown
}
