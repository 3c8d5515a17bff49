package rpmdb

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/rpmtest"
	"github.com/disco-build/disco/stages/rpm"
)

// TestSameAsRPM installs the same packages with the host's rpm (--justdb)
// and compares its database with ours: schema SQL, every index row, and
// every header blob byte for byte once rpm's clock-based install time and
// transaction id are replaced by ours.
func TestSameAsRPM(t *testing.T) {
	f := setup(t, false) // rpm --justdb marks no file as skipped
	r2 := t.TempDir()
	args := append([]string{"-i", "--nodeps", "--noscripts", "--notriggers", "--noorder",
		"--justdb"}, f.rpms...)
	if _, err := rpmq(t, r2, true, args...); err != nil {
		t.Fatalf("rpm -i --justdb: %v", err)
	}
	compareDB(t, openDB(t, f.db), openDB(t, filepath.Join(r2, dbpath, File)), len(f.rpms), true)
}

// compareDB compares two databases: schema, every index row, every header
// blob (rpm's clock-based install time and tid replaced by ours).
// nonEmpty asks every index to have rows.
func compareDB(t *testing.T, ours, theirs *sql.DB, n int, nonEmpty bool) {
	t.Helper()
	q := "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
	if a, b := rows(t, ours, q), rows(t, theirs, q); !slices.Equal(a, b) {
		t.Errorf("schema differs:\n ours %q\nrpm's %q", a, b)
	}
	q = "PRAGMA user_version"
	if a, b := rows(t, ours, q), rows(t, theirs, q); !slices.Equal(a, b) {
		t.Errorf("user_version: ours %q, rpm's %q", a, b)
	}
	for _, ix := range indexes {
		q := fmt.Sprintf("SELECT quote(key), hnum, idx FROM '%s' ORDER BY hnum, idx, key", ix.table)
		a, b := rows(t, ours, q), rows(t, theirs, q)
		if ix.table == "Installtid" {
			a, b = dropKeys(a), dropKeys(b)
		}
		if len(a) == 0 && nonEmpty {
			t.Errorf("index %s is empty; the test packages should fill every index", ix.table)
		}
		if !slices.Equal(a, b) {
			t.Errorf("index %s differs:\n ours %q\nrpm's %q", ix.table, a, b)
		}
	}
	tid := binary.LittleEndian.AppendUint32(nil, epoch)
	if got := rows(t, ours, "SELECT DISTINCT quote(key) FROM Installtid"); !slices.Equal(got, []string{fmt.Sprintf("X'%X'", tid)}) {
		t.Errorf("Installtid keys %q, want the install time", got)
	}
	compareBlobs(t, ours, theirs, n)
}

func compareBlobs(t *testing.T, ours, theirs *sql.DB, n int) {
	t.Helper()
	for hnum := 1; hnum <= n; hnum++ {
		a, b := blob(t, ours, hnum), blob(t, theirs, hnum)
		b = setInt32(t, b, TagInstallTime, epoch)
		b = setInt32(t, b, TagInstallTID, epoch)
		if !bytes.Equal(a, b) {
			t.Errorf("header %d differs from rpm's (%d vs %d bytes): %s", hnum, len(a), len(b), entryDiff(t, a, b))
		}
	}
}

// setInt32 rewrites the value of an int32 entry in a stored header blob.
func setInt32(t *testing.T, b []byte, tag rpm.Tag, v uint32) []byte {
	t.Helper()
	h, err := parseBlob(b)
	if err != nil {
		t.Fatal(err)
	}
	il := len(h.Entries())
	for _, e := range h.Entries() {
		if e.Tag == tag {
			b = slices.Clone(b)
			binary.BigEndian.PutUint32(b[8+16*il+int(e.Offset):], v)
			return b
		}
	}
	t.Fatalf("tag %d missing from rpm's header", tag)
	return nil
}

func dropKeys(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		_, rest, _ := bytes.Cut([]byte(r), []byte{'|'})
		out[i] = string(rest)
	}
	return out
}

func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// rows runs q and renders each row as its columns joined by '|'.
func rows(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	r, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer r.Close()
	cols, err := r.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for r.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var line []byte
		for i, v := range vals {
			if i > 0 {
				line = append(line, '|')
			}
			line = append(line, v.String...)
		}
		out = append(out, string(line))
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func blob(t *testing.T, db *sql.DB, hnum int) []byte {
	t.Helper()
	var b []byte
	if err := db.QueryRow("SELECT blob FROM Packages WHERE hnum = ?", hnum).Scan(&b); err != nil {
		t.Fatalf("header %d: %v", hnum, err)
	}
	return b
}

// entryDiff names the entries that differ between two header blobs.
func entryDiff(t *testing.T, a, b []byte) string {
	ha, err := parseBlob(a)
	if err != nil {
		return err.Error()
	}
	hb, err := parseBlob(b)
	if err != nil {
		return err.Error()
	}
	ea, eb := ha.Entries(), hb.Entries()
	var diff []string
	for i := range max(len(ea), len(eb)) {
		if i >= len(ea) || i >= len(eb) {
			diff = append(diff, fmt.Sprintf("entry %d only on one side", i))
			continue
		}
		x, y := ea[i], eb[i]
		if x.Tag != y.Tag || x.Type != y.Type || x.Offset != y.Offset || x.Count != y.Count || !bytes.Equal(x.Data, y.Data) {
			diff = append(diff, fmt.Sprintf("entry %d: ours tag %d %s off %d count %d % x; rpm's tag %d %s off %d count %d % x",
				i, x.Tag, x.Type, x.Offset, x.Count, x.Data, y.Tag, y.Type, y.Offset, y.Count, y.Data))
		}
	}
	return strings.Join(diff, "\n")
}

// TestLegacySameAsRPM installs rpm 3 packages (headers without an
// immutable region, a flat OLDFILENAMES list; one without provides, one
// with unversioned ones) beside an rpm 4 one, and compares the database
// with the one the host's rpm writes for them: rpm wraps the old header in
// a legacy HEADERIMAGE region and adds the compressed file list and the
// "name = EVR" provide after it. Writing them used to fail with "header
// has no immutable region".
func TestLegacySameAsRPM(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	var pkgs []Installed
	for _, s := range []rpmtest.Synth{
		{Name: "old", Version: "1.0", Release: "1", Arch: "noarch", Format: 3,
			Files: map[string]string{"/usr/share/old/a": "a", "/usr/share/old/sub/b": "b", "/etc/old.conf": "c"}},
		{Name: "oldprov", Version: "2", Release: "3", Arch: "noarch", Format: 3, Provides: []string{"oldcap", "zcap"},
			Files: map[string]string{"/usr/lib/oldprov/x": "x"}},
		{Name: "new", Version: "1", Release: "1", Arch: "noarch", Format: 4,
			Files: map[string]string{"/usr/share/new/n": "n"}},
	} {
		path, err := s.Write(dir)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
		pkgs = append(pkgs, Installed{Package: openRPM(t, path)})
	}
	root := filepath.Join(t.TempDir(), "root")
	if err := Write(filepath.Join(root, dbpath), pkgs, Options{InstallTime: epoch, Color: 3}); err != nil {
		t.Fatal(err)
	}
	r2 := t.TempDir()
	args := append([]string{"-i", "--nodeps", "--noscripts", "--notriggers", "--noorder", "--justdb"}, paths...)
	if out, err := rpmq(t, r2, true, args...); err != nil {
		t.Fatalf("rpm -i --justdb: %v\n%s", err, out)
	}
	compareDB(t, openDB(t, filepath.Join(root, dbpath, File)), openDB(t, filepath.Join(r2, dbpath, File)), len(paths), false)
	if out, _ := rpmq(t, root, false, "-q", "--whatprovides", "oldcap", "old"); !slices.Equal(lines(out), []string{"oldprov-2-3.noarch", "old-1.0-1.noarch"}) {
		t.Errorf("rpm -q --whatprovides on our database: %q", out)
	}
	if out, _ := rpmq(t, root, false, "-ql", "old"); !slices.Equal(lines(out), []string{"/etc/old.conf", "/usr/share/old/a", "/usr/share/old/sub/b"}) {
		t.Errorf("rpm -ql on our database: %q", out)
	}
}
