package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestCheckNameRules(t *testing.T) {
	cases := map[string]string{
		"web":                   "",
		"web-01":                "",
		"a":                     "2 to 63",
		"9web":                  "digit",
		"-web":                  "'-'",
		"Web":                   "upper case",
		"web.lan":               "'.'",
		"web_1":                 "only a-z",
		strings.Repeat("a", 64): "2 to 63",
	}
	for name, want := range cases {
		err := CheckName(name)
		switch {
		case want == "" && err != nil:
			t.Errorf("CheckName(%q) = %v, want ok", name, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("CheckName(%q) = %v, want error mentioning %q", name, err, want)
		}
	}
}

func TestParsePos(t *testing.T) {
	for _, s := range []string{"a.star:3:5", "a.star:3", "a.star", "c:/x.star:1:2"} {
		if got := ParsePos(s).String(); got != s {
			t.Errorf("ParsePos(%q).String() = %q", s, got)
		}
	}
}

func machine(pos Pos) *Machine {
	one := int64(1)
	m := &Machine{Pos: pos, Name: "web", Packages: []Package{{Pos: pos, Name: "bash"}},
		Devices: []Device{{Pos: pos, Path: "/dev/ram0", Type: "b", Mode: 0o660, Major: &one, Minor: &one}}}
	Default(&Plan{Machines: []*Machine{m}})
	return m
}

func TestDigestIgnoresPositions(t *testing.T) {
	a, _ := machine(Pos{File: "a.star", Line: 1, Col: 1}).Digest()
	b, _ := machine(Pos{File: "b.star", Line: 9, Col: 4}).Digest()
	if a != b || !strings.HasPrefix(a, "sha256:") {
		t.Errorf("digests differ by position: %s %s", a, b)
	}
	m := machine(Pos{File: "a.star"})
	m.Packages = append(m.Packages, Package{Name: "zsh"})
	if c, _ := m.Digest(); c == a {
		t.Errorf("digest did not change with the packages")
	}
}

func TestCanonicalSortsKeys(t *testing.T) {
	b, err := Canonical(map[string]any{"b": 1, "a": []any{3, 2}, "c": "<&>"})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": [\n    3,\n    2\n  ],\n  \"b\": 1,\n  \"c\": \"<&>\"\n}\n"
	if string(b) != want {
		t.Errorf("Canonical = %q, want %q", b, want)
	}
}

func TestValidateDoesNotMutate(t *testing.T) {
	m := machine(Pos{File: "a.star", Line: 1})
	m.Name = "Bad"
	m.Devices = append(m.Devices, Device{Pos: Pos{File: "devices", Line: 2}, Path: "/dev/x", Type: "p", Mode: 0o600, Major: new(int64)})
	p := &Plan{Machines: []*Machine{m}}
	before, _ := json.Marshal(p)
	err := p.Validate()
	after, _ := json.Marshal(p)
	if !bytes.Equal(before, after) {
		t.Errorf("Validate changed the plan")
	}
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("Validate error %v is not a *plan.Error", err)
	}
	for _, want := range []string{"a.star:1: machine name \"Bad\": must not contain upper case", "devices:2: device /dev/x: a FIFO (p) takes no major or minor"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error lacks %q:\n%v", want, err)
		}
	}
}

func TestDeviceRules(t *testing.T) {
	n := int64(1)
	cases := []struct {
		d    Device
		want string
	}{
		{Device{Path: "dev/x", Type: "c", Major: &n, Minor: &n}, "must be absolute"},
		{Device{Path: "/dev/../x", Type: "c", Major: &n, Minor: &n}, "'..'"},
		{Device{Path: "/dev/x", Type: "b", Major: &n}, "needs both major and minor"},
		{Device{Path: "/dev/x", Type: "q"}, "must be b, c or p"},
		{Device{Path: "/dev/x", Type: "p"}, ""},
	}
	for _, c := range cases {
		err := CheckDevice(c.d)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckDevice(%+v) = %v, want %q", c.d, err, c.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	cases := map[string]int64{"512M": 512 << 20, "2G": 2 << 30, "4096": 4096, "1KiB": 1024, "3MB": 3 << 20}
	for s, want := range cases {
		if got, err := ParseSize(s); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, bad := range []string{"", "M", "1.5G", "-1", "12X"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}
