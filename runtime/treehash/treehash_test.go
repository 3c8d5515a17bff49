package treehash

import (
	"testing"
	"testing/fstest"
)

func TestDigest(t *testing.T) {
	base := fstest.MapFS{
		"o/etc/motd":       {Data: []byte("hi")},
		"o/.gitignore":     {Data: []byte("*")},
		"o/etc/.keep":      {Data: []byte("")},
		"o/usr/bin/x":      {Data: []byte("#!/bin/sh"), Mode: 0o755},
		"o/etc/localtime":  {Data: []byte("../usr/share/zoneinfo/UTC"), Mode: 0o777 | 1<<27},
		"other/etc/motd":   {Data: []byte("hi")},
		"other/etc/.keep":  {Data: []byte("")},
		"other/usr/bin/x":  {Data: []byte("#!/bin/sh"), Mode: 0o755},
		"other/etc/localt": {Data: []byte("x")},
	}
	d1, err := Digest(base, "o", true)
	if err != nil {
		t.Fatal(err)
	}
	// The root dot file does not count.
	delete(base, "o/.gitignore")
	if d2, _ := Digest(base, "o", true); d2 != d1 {
		t.Errorf("root dot file changed the digest")
	}
	// A deeper dot file does.
	base["o/etc/.keep"] = &fstest.MapFile{Data: []byte("x")}
	if d3, _ := Digest(base, "o", true); d3 == d1 {
		t.Errorf("deeper dot file content not in the digest")
	}
	base["o/etc/.keep"] = &fstest.MapFile{Data: []byte("")}
	// The exec bit counts.
	base["o/usr/bin/x"] = &fstest.MapFile{Data: []byte("#!/bin/sh"), Mode: 0o644}
	if d4, _ := Digest(base, "o", true); d4 == d1 {
		t.Errorf("exec bit not in the digest")
	}
}
