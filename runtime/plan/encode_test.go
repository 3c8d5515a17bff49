package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// The generic path below is how Digest and Document worked before the
// hand-written encoder: marshal, decode into maps, drop "pos" keys,
// encode. Digests are stored in users' disco.lock files, so the encoder
// must give exactly these bytes.

func genericDigest(m *Machine) (string, error) {
	g, err := toGeneric(m)
	if err != nil {
		return "", err
	}
	stripPos(g)
	b, err := encode(g)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

func genericDocument(machines []*Machine) ([]byte, error) {
	list := make([]any, 0, len(machines))
	for _, m := range machines {
		g, err := toGeneric(m)
		if err != nil {
			return nil, err
		}
		d, err := genericDigest(m)
		if err != nil {
			return nil, err
		}
		g.(map[string]any)["digest"] = d
		list = append(list, g)
	}
	return encode(map[string]any{"machines": list})
}

func stripPos(v any) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "pos")
		for _, e := range x {
			stripPos(e)
		}
	case []any:
		for _, e := range x {
			stripPos(e)
		}
	}
}

// awkward strings: HTML characters, escapes, control bytes, invalid UTF-8,
// U+2028/9, a literal U+FFFD, non-ASCII.
var awkward = []string{
	"", "web", "<a href=\"x\">&amp;</a>", "tab\there\nline\r\\", "\x00\x01\x1f\x7f",
	"bad\xffutf8\xc3", "\xed\xa0\x80surrogate", "sep\u2028par\u2029", "\uFFFDkept", "ünïcödé 日本",
	"pos", "a:b:c", "/etc/motd",
}

// filler sets struct fields from a seeded source: each field is left zero,
// set empty (slices, maps) or filled, so every omitempty and nil case
// occurs. full fills everything.
type filler struct {
	r    *rand.Rand
	full bool
}

func (f *filler) fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[Pos]() {
			v.Set(reflect.ValueOf(Pos{File: f.str(), Line: f.r.IntN(3) * 7, Col: f.r.IntN(3)}))
			return
		}
		for i := range v.NumField() {
			if f.full || f.r.IntN(4) > 0 {
				f.fill(v.Field(i), depth+1)
			}
		}
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		n := 1 + f.r.IntN(3)
		if !f.full && f.r.IntN(3) == 0 {
			n = 0 // empty, not nil
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range f.r.IntN(5) {
			m.SetMapIndex(reflect.ValueOf(f.str()), reflect.ValueOf(f.str()))
		}
		if f.full {
			// Two keys that become the same once made valid UTF-8, and "pos".
			m.SetMapIndex(reflect.ValueOf("k\xff"), reflect.ValueOf("first"))
			m.SetMapIndex(reflect.ValueOf("k\xfe"), reflect.ValueOf("second"))
			m.SetMapIndex(reflect.ValueOf("pos"), reflect.ValueOf("x"))
		}
		v.Set(m)
	case reflect.String:
		v.SetString(f.str())
	case reflect.Bool:
		v.SetBool(f.full || f.r.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt(f.r.Int64N(5000) - 100)
	default:
		panic(fmt.Sprintf("filler: unhandled kind %s", v.Kind()))
	}
}

func (f *filler) str() string {
	s := awkward[f.r.IntN(len(awkward))]
	if f.full && s == "" {
		return "x"
	}
	return s
}

func testMachines() []*Machine {
	ms := []*Machine{{}, machine(Pos{File: "a.star", Line: 3, Col: 1})}
	empty := &Machine{}
	Default(&Plan{Machines: []*Machine{empty}})
	ms = append(ms, empty)
	for seed := range uint64(300) {
		m := &Machine{}
		f := &filler{r: rand.New(rand.NewPCG(seed, 8)), full: seed < 20}
		f.fill(reflect.ValueOf(m).Elem(), 0)
		ms = append(ms, m)
	}
	return ms
}

func TestEncoderMatchesGeneric(t *testing.T) {
	ms := testMachines()
	for i, m := range ms {
		want, err := genericDigest(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Digest()
		if err != nil || got != want {
			t.Fatalf("machine %d: Digest = %s, %v; want %s", i, got, err, want)
		}
		wantDoc, err := genericDocument([]*Machine{m})
		if err != nil {
			t.Fatal(err)
		}
		gotDoc, err := Document([]*Machine{m})
		if err != nil || !bytes.Equal(gotDoc, wantDoc) {
			t.Fatalf("machine %d: Document differs (err %v):\n%s\nwant:\n%s", i, err, gotDoc, wantDoc)
		}
	}
	for i, d := range digests(ms) {
		if want, _ := genericDigest(ms[i]); d != want {
			t.Fatalf("digests()[%d] = %s, want %s", i, d, want)
		}
	}
	// Many machines: the parallel path, and the empty document.
	for _, set := range [][]*Machine{ms, nil} {
		want, _ := genericDocument(set)
		got, err := Document(set)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Document of %d machines differs (err %v)", len(set), err)
		}
		var buf bytes.Buffer
		if err := WriteDocument(&buf, set); err != nil || !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("WriteDocument of %d machines differs (err %v)", len(set), err)
		}
		for _, workers := range []int{1, 2, 3, 8} {
			for _, batch := range []int{1, 7, 32, 1000} {
				buf.Reset()
				if err := writeDocument(&buf, set, workers, batch); err != nil || !bytes.Equal(buf.Bytes(), want) {
					t.Fatalf("document of %d machines, %d workers, batches of %d differs (err %v)", len(set), workers, batch, err)
				}
			}
		}
	}
}

// TestFillerReachesEveryField guards the test above: a fully filled machine
// sets every field, so a field the encoder forgets changes the bytes.
func TestFillerReachesEveryField(t *testing.T) {
	m := &Machine{}
	(&filler{r: rand.New(rand.NewPCG(1, 2)), full: true}).fill(reflect.ValueOf(m).Elem(), 0)
	var check func(path string, v reflect.Value)
	check = func(path string, v reflect.Value) {
		if v.IsZero() {
			t.Errorf("%s is zero in the fully filled machine", path)
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			check(path, v.Elem())
		case reflect.Slice:
			check(path+"[0]", v.Index(0))
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[Pos]() {
				return
			}
			for i := range v.NumField() {
				check(path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		}
	}
	check("Machine", reflect.ValueOf(m).Elem())
}

func BenchmarkDocument(b *testing.B) {
	ms := testMachines()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Document(ms); err != nil {
			b.Fatal(err)
		}
	}
}

type failWriter struct{ writes int }

func (f *failWriter) Write(b []byte) (int, error) {
	f.writes++
	return 0, errors.New("disk full")
}

func TestWriteDocumentError(t *testing.T) {
	ms := testMachines()
	f := &failWriter{}
	if err := writeDocument(f, ms, 2, 4); err == nil || err.Error() != "disk full" {
		t.Fatalf("writeDocument to a failing writer = %v, want disk full", err)
	}
	if f.writes != 1 {
		t.Errorf("writeDocument went on writing after an error: %d writes", f.writes)
	}
}
