package rpmdb

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/disco-build/disco/stages/rpm"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// File is the name of rpm's sqlite database in %_dbpath.
const File = "rpmdb.sqlite"

// Write creates dir/rpmdb.sqlite (dir being %_dbpath inside the image root,
// created if missing) holding pkgs in install order, header numbers 1..n.
// It writes a temporary file in dir and renames it over any existing
// database, removing stale -wal, -shm and -journal files that would
// otherwise be applied to the new one. It does not fsync: the tree is an
// image being built, made durable by whatever writes the image.
func Write(dir string, pkgs []Installed, opts Options) error {
	blobs := make([][]byte, len(pkgs))
	headers := make([]*rpm.Header, len(pkgs))
	for i, p := range pkgs {
		b, err := InstalledHeader(p, opts)
		if err != nil {
			return err
		}
		if headers[i], err = parseBlob(b); err != nil {
			return fmt.Errorf("rpmdb: %s: reading back the installed header: %w", p.Package.NEVRA(), err)
		}
		blobs[i] = b
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("rpmdb: %w", err)
	}
	final := filepath.Join(dir, File)
	tmp := filepath.Join(dir, "."+File+".tmp")
	if err := removeDB(tmp); err != nil {
		return err
	}
	if err := build(tmp, blobs, headers, opts.byteOrder()); err != nil {
		_ = removeDB(tmp)
		return fmt.Errorf("rpmdb: %s: %w", final, err)
	}
	if err := removeSidecars(final); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("rpmdb: %w", err)
	}
	return nil
}

// removeDB removes a database file and the files sqlite keeps beside it.
func removeDB(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("rpmdb: %w", err)
	}
	return removeSidecars(path)
}

// removeSidecars removes the journal files sqlite keeps beside a database,
// which it would otherwise apply to whatever database takes that name.
func removeSidecars(path string) error {
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rpmdb: %w", err)
		}
	}
	return nil
}

// build writes the database at path: schema, packages, indexes, then a
// VACUUM so the page layout depends only on the content.
func build(path string, blobs [][]byte, headers []*rpm.Header, order binary.AppendByteOrder) (err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	// A file: URI, escaped, so that no character of the path is read as
	// a query or fragment.
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: abs}).String())
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}()
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		"PRAGMA page_size = 4096",
		"PRAGMA journal_mode = MEMORY",
		"PRAGMA synchronous = OFF",
		"PRAGMA temp_store = MEMORY",
	} {
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	if err := fill(db, blobs, headers, order); err != nil {
		return err
	}
	if _, err := db.Exec("VACUUM"); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	return nil
}

// fill creates the schema and inserts everything in one transaction.
func fill(db *sql.DB, blobs [][]byte, headers []*rpm.Header, order binary.AppendByteOrder) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, q := range schema() {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	if err := insertPackages(tx, blobs); err != nil {
		return err
	}
	for _, ix := range indexes {
		if err := insertIndex(tx, ix, headers, order); err != nil {
			return fmt.Errorf("index %s: %w", ix.table, err)
		}
	}
	return tx.Commit()
}

// schema is the SQL rpm's sqlite backend (lib/backend/sqlite.c init_table,
// init_index) runs when it creates a database, in the order it runs it.
func schema() []string {
	out := []string{"CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)"}
	for _, ix := range indexes {
		typ := "BLOB"
		if ix.text {
			typ = "TEXT"
		}
		out = append(out, fmt.Sprintf("CREATE TABLE IF NOT EXISTS '%s' (key '%s' NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES 'Packages'(hnum))", ix.table, typ))
		if ix.text {
			out = append(out, fmt.Sprintf("CREATE INDEX IF NOT EXISTS '%s_key_idx' ON '%s'(key ASC)", ix.table, ix.table))
		}
		if ix.array {
			out = append(out, fmt.Sprintf("CREATE INDEX IF NOT EXISTS '%s_hnum_idx' ON '%s'(hnum ASC)", ix.table, ix.table))
		}
	}
	return out
}

func insertPackages(tx *sql.Tx, blobs [][]byte) error {
	st, err := tx.Prepare("INSERT INTO 'Packages' VALUES(?, ?)")
	if err != nil {
		return err
	}
	defer st.Close()
	for i, b := range blobs {
		if _, err := st.Exec(i+1, b); err != nil {
			return fmt.Errorf("package %d: %w", i+1, err)
		}
	}
	return nil
}

func insertIndex(tx *sql.Tx, ix index, headers []*rpm.Header, order binary.AppendByteOrder) error {
	st, err := tx.Prepare(fmt.Sprintf("INSERT INTO '%s' VALUES(?, ?, ?)", ix.table))
	if err != nil {
		return err
	}
	defer st.Close()
	for i, h := range headers {
		for _, k := range ix.keys(h, order) {
			var v any = k.text
			if !ix.text {
				v = k.blob
			}
			if _, err := st.Exec(v, i+1, k.idx); err != nil {
				return fmt.Errorf("package %d: %w", i+1, err)
			}
		}
	}
	return nil
}
