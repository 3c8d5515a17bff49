package eval

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"unicode/utf8"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"
)

// Rough sizes of what results hold, in bytes.
const (
	valueSize = 16 // one element of a list or tuple (an interface value)
	entrySize = 64 // one entry of a dict or set
	pieceSize = 32 // one string of a split result, besides its bytes
	otherSize = 64 // the text of a value reprSize does not look into
)

// guards returns the predeclared names guardFile's rewrite calls and the
// universe builtins replaced by checked ones (memory.go says which and
// why), all charging m.
func guards(m *meter) starlark.StringDict {
	d := starlark.StringDict{}
	for op, name := range guardedOps {
		d[name] = starlark.NewBuiltin(name, binaryGuard(m, op))
		d[name+"="] = starlark.NewBuiltin(name+"=", augGuard(m, op))
		d["[]"+name+"="] = starlark.NewBuiltin(name+"=", indexAugGuard(m, op))
		d["."+name+"="] = starlark.NewBuiltin(name+"=", fieldAugGuard(m, op))
	}
	d["."] = starlark.NewBuiltin(".", methodGuard(m))
	for name, size := range copiers {
		d[name] = wrap(m, starlark.Universe[name].(*starlark.Builtin), size)
	}
	for _, name := range []string{"str", "repr", "print", "fail"} {
		d[name] = wrap(m, starlark.Universe[name].(*starlark.Builtin), renderSize)
	}
	return d
}

// guardJSON returns the json module with encode, indent and decode checked.
func guardJSON(m *meter, mod *starlarkstruct.Module) *starlarkstruct.Module {
	sizes := map[string]sizeFunc{
		"encode": func(m *meter, args starlark.Tuple, kwargs []starlark.Tuple) uint64 {
			return mul(renderSize(m, args, kwargs), 2)
		},
		"indent": indentSize,
		"decode": func(_ *meter, args starlark.Tuple, _ []starlark.Tuple) uint64 {
			if len(args) > 0 {
				if s, ok := args[0].(starlark.String); ok {
					return mul(uint64(len(s)), valueSize)
				}
			}
			return 0
		},
	}
	out := &starlarkstruct.Module{Name: mod.Name, Members: starlark.StringDict{}}
	for name, v := range mod.Members {
		if b, ok := v.(*starlark.Builtin); ok && sizes[name] != nil {
			v = wrap(m, b, sizes[name])
		}
		out.Members[name] = v
	}
	return out
}

// indentSize bounds json.indent's output: each byte may start a line
// holding the prefix and one indent per level of nesting.
func indentSize(_ *meter, args starlark.Tuple, kwargs []starlark.Tuple) uint64 {
	if len(args) == 0 {
		return 0
	}
	s, _ := args[0].(starlark.String)
	perLevel := uint64(1) // the default indent, a tab
	for _, kv := range kwargs {
		if v, ok := kv[1].(starlark.String); ok {
			perLevel += uint64(len(v))
		}
	}
	return mul(uint64(len(s)), 2+mul(perLevel, uint64(nesting(string(s))+1)))
}

// nesting is the deepest bracket nesting in s.
func nesting(s string) int {
	depth, deepest := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', '{':
			depth++
			deepest = max(deepest, depth)
		case ']', '}':
			depth--
		}
	}
	return deepest
}

// sizeFunc estimates the bytes a call's result takes.
type sizeFunc func(m *meter, args starlark.Tuple, kwargs []starlark.Tuple) uint64

// wrap returns b checked: the call charges size's estimate first.
func wrap(m *meter, b *starlark.Builtin, size sizeFunc) *starlark.Builtin {
	return starlark.NewBuiltin(b.Name(), func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := m.charge(b.Name(), size(m, args, kwargs)); err != nil {
			return nil, err
		}
		return starlark.Call(thread, b, args, kwargs)
	})
}

// copiers are the universe builtins that copy an iterable whose length is
// known before they iterate it.
var copiers = map[string]sizeFunc{
	"list":      perElement(valueSize),
	"tuple":     perElement(valueSize),
	"sorted":    perElement(valueSize),
	"reversed":  perElement(valueSize),
	"set":       perElement(entrySize),
	"dict":      perElement(entrySize),
	"enumerate": perElement(4 * valueSize),
	"zip":       zipSize,
}

func perElement(each uint64) sizeFunc {
	return func(_ *meter, args starlark.Tuple, kwargs []starlark.Tuple) uint64 {
		n := uint64(len(kwargs))
		if len(args) > 0 {
			n += length(args[0])
		}
		return mul(n, each)
	}
}

func zipSize(_ *meter, args starlark.Tuple, _ []starlark.Tuple) uint64 {
	if len(args) == 0 {
		return 0
	}
	n := uint64(math.MaxUint64)
	for _, a := range args {
		n = min(n, length(a))
	}
	return mul(n, uint64(len(args)+2)*valueSize)
}

// length is a value's length when it has one known up front, else 0.
func length(v starlark.Value) uint64 {
	if s, ok := v.(starlark.Sequence); ok {
		return uint64(max(s.Len(), 0))
	}
	if s, ok := v.(starlark.Indexable); ok {
		return uint64(max(s.Len(), 0))
	}
	return 0
}

// mul multiplies, saturating.
func mul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

func renderSize(m *meter, args starlark.Tuple, kwargs []starlark.Tuple) uint64 {
	var n uint64
	for _, a := range args {
		n += reprSize(a, m.limit+1)
	}
	for _, kv := range kwargs {
		n += reprSize(kv[1], m.limit+1)
	}
	return n
}

// binaryGuard checks x op y before computing it.
func binaryGuard(m *meter, op syntax.Token) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		x, y := args[0], args[1]
		if err := m.charge(describe(op, x, y), binarySize(m, op, x, y)); err != nil {
			return nil, err
		}
		return starlark.Binary(op, x, y)
	}
}

// describe names an operation for an error: "list * 1000000000".
func describe(op syntax.Token, x, y starlark.Value) string {
	side := func(v starlark.Value) string {
		if i, ok := v.(starlark.Int); ok {
			if n, ok := i.Int64(); ok {
				return fmt.Sprint(n)
			}
		}
		return v.Type()
	}
	return side(x) + " " + op.String() + " " + side(y)
}

// binarySize estimates the bytes of x op y.
func binarySize(m *meter, op syntax.Token, x, y starlark.Value) uint64 {
	switch op {
	case syntax.PLUS:
		// A list grows by appending: while it copies, the old array and
		// a new one up to twice as large are both held.
		if _, ok := x.(*starlark.List); ok {
			return 2 * (seqBytes(x) + seqBytes(y))
		}
		return seqBytes(x) + seqBytes(y)
	case syntax.STAR:
		if xi, ok := x.(starlark.Int); ok {
			if yi, ok := y.(starlark.Int); ok {
				return (bitLen(xi) + bitLen(yi)) / 8
			}
			return repeatSize(y, xi)
		}
		if yi, ok := y.(starlark.Int); ok {
			return repeatSize(x, yi)
		}
	case syntax.PERCENT:
		if f, ok := x.(starlark.String); ok {
			return uint64(len(f)) + mul(uint64(strings.Count(string(f), "%")), reprSize(y, m.limit+1))
		}
	}
	return 0
}

// seqBytes is the size of a string's or bytes' content, or of the
// elements of anything with a length (list, tuple, range, dict keys).
func seqBytes(v starlark.Value) uint64 {
	switch v := v.(type) {
	case starlark.String:
		return uint64(len(v))
	case starlark.Bytes:
		return uint64(len(v))
	}
	return mul(length(v), valueSize)
}

func repeatSize(seq starlark.Value, n starlark.Int) uint64 {
	count, ok := n.Uint64()
	if !ok {
		if n.Sign() < 0 {
			return 0
		}
		count = math.MaxUint64
	}
	return mul(seqBytes(seq), count)
}

func bitLen(i starlark.Int) uint64 {
	if _, ok := i.Int64(); ok {
		return 64
	}
	return uint64(i.BigInt().BitLen())
}

// augGuard is x op= y for a variable x: in place for a list and +, as
// Starlark's +=, else x op y.
func augGuard(m *meter, op syntax.Token) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		return augment(thread, m, op, args[0], args[1])
	}
}

func augment(thread *starlark.Thread, m *meter, op syntax.Token, x, y starlark.Value) (starlark.Value, error) {
	if err := m.charge(describe(op, x, y), binarySize(m, op, x, y)); err != nil {
		return nil, err
	}
	if l, ok := x.(*starlark.List); ok && op == syntax.PLUS {
		if _, ok := y.(starlark.Iterable); ok {
			// The list's own extend, which += uses (y may be l).
			extend, err := l.Attr("extend")
			if err != nil {
				return nil, err
			}
			if _, err := starlark.Call(thread, extend, starlark.Tuple{y}, nil); err != nil {
				return nil, fmt.Errorf("cannot apply += to list: %w", err)
			}
			return l, nil
		}
	}
	return starlark.Binary(op, x, y)
}

// indexAugGuard is a[i] op= y, evaluating a and i once.
func indexAugGuard(m *meter, op syntax.Token) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		a, i, y := args[0], args[1], args[2]
		cur, err := getIndex(a, i)
		if err != nil {
			return nil, err
		}
		v, err := augment(thread, m, op, cur, y)
		if err != nil {
			return nil, err
		}
		return starlark.None, setIndex(a, i, v)
	}
}

// fieldAugGuard is a.f op= y, evaluating a once.
func fieldAugGuard(m *meter, op syntax.Token) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		a, name := args[0], string(args[1].(starlark.String))
		cur, err := getAttr(a, name)
		if err != nil {
			return nil, err
		}
		v, err := augment(thread, m, op, cur, args[2])
		if err != nil {
			return nil, err
		}
		s, ok := a.(starlark.HasSetField)
		if !ok {
			return nil, fmt.Errorf("can't assign to .%s field of %s", name, a.Type())
		}
		return starlark.None, s.SetField(name, v)
	}
}

func getIndex(a, i starlark.Value) (starlark.Value, error) {
	switch a := a.(type) {
	case starlark.Mapping:
		v, found, err := a.Get(i)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("key %v not in %s", i, a.Type())
		}
		return v, nil
	case starlark.Indexable:
		n, err := starlark.AsInt32(i)
		if err != nil {
			return nil, fmt.Errorf("%s index: %w", a.Type(), err)
		}
		if n < 0 {
			n += a.Len()
		}
		if n < 0 || n >= a.Len() {
			return nil, fmt.Errorf("index %d out of range [0:%d]", n, a.Len())
		}
		return a.Index(n), nil
	}
	return nil, fmt.Errorf("unhandled index operation %s[%s]", a.Type(), i.Type())
}

func setIndex(a, i, v starlark.Value) error {
	switch a := a.(type) {
	case starlark.HasSetKey:
		return a.SetKey(i, v)
	case starlark.HasSetIndex:
		n, err := starlark.AsInt32(i)
		if err != nil {
			return err
		}
		if n < 0 {
			n += a.Len()
		}
		if n < 0 || n >= a.Len() {
			return fmt.Errorf("index %d out of range [0:%d]", n, a.Len())
		}
		return a.SetIndex(n, v)
	}
	return fmt.Errorf("%s value does not support item assignment", a.Type())
}

func getAttr(x starlark.Value, name string) (starlark.Value, error) {
	if h, ok := x.(starlark.HasAttrs); ok {
		v, err := h.Attr(name)
		if err != nil || v != nil {
			return v, err
		}
	}
	return nil, fmt.Errorf("%s has no .%s field or method", x.Type(), name)
}

// methodGuard is x.name for the methods guardFile rewrites: the method,
// checked when x is a string, list or dict.
func methodGuard(m *meter) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		x, name := args[0], string(args[1].(starlark.String))
		v, err := getAttr(x, name)
		if err != nil {
			return nil, err
		}
		method, ok := v.(*starlark.Builtin)
		size := methodSizes[name]
		switch x.(type) {
		case starlark.String, *starlark.List, *starlark.Dict:
		default:
			ok = false
		}
		if !ok || size == nil {
			return v, nil
		}
		return starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if err := m.charge(x.Type()+"."+name, size(m, x, args, kwargs)); err != nil {
				return nil, err
			}
			return starlark.Call(thread, method, args, kwargs)
		}), nil
	}
}

// methodSizes estimate the results of the guarded methods.
var methodSizes = map[string]func(m *meter, recv starlark.Value, args starlark.Tuple, kwargs []starlark.Tuple) uint64{
	"join":       joinSize,
	"format":     formatSize,
	"replace":    replaceSize,
	"split":      splitSize,
	"rsplit":     splitSize,
	"splitlines": splitSize,
	"extend": func(_ *meter, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) uint64 {
		if len(args) == 0 {
			return 0
		}
		return mul(length(args[0]), valueSize)
	},
	"update": func(_ *meter, _ starlark.Value, args starlark.Tuple, kwargs []starlark.Tuple) uint64 {
		n := uint64(len(kwargs))
		if len(args) > 0 {
			n += length(args[0])
		}
		return mul(n, entrySize)
	},
}

func joinSize(_ *meter, recv starlark.Value, args starlark.Tuple, _ []starlark.Tuple) uint64 {
	sep, ok := recv.(starlark.String)
	if !ok || len(args) != 1 {
		return 0
	}
	it, ok := args[0].(starlark.Iterable)
	if !ok {
		return 0
	}
	var n uint64
	iter := it.Iterate()
	defer iter.Done()
	var v starlark.Value
	for iter.Next(&v) {
		if s, ok := v.(starlark.String); ok {
			n += uint64(len(s)) + uint64(len(sep))
		}
		if n == math.MaxUint64 {
			break
		}
	}
	return n
}

func formatSize(m *meter, recv starlark.Value, args starlark.Tuple, kwargs []starlark.Tuple) uint64 {
	f, ok := recv.(starlark.String)
	if !ok {
		return 0
	}
	return uint64(len(f)) + mul(uint64(strings.Count(string(f), "{")), renderSize(m, args, kwargs))
}

func replaceSize(_ *meter, recv starlark.Value, args starlark.Tuple, _ []starlark.Tuple) uint64 {
	s, ok := recv.(starlark.String)
	if !ok || len(args) < 2 {
		return 0
	}
	old, ok1 := args[0].(starlark.String)
	repl, ok2 := args[1].(starlark.String)
	if !ok1 || !ok2 || len(repl) <= len(old) {
		return uint64(len(s))
	}
	n := uint64(strings.Count(string(s), string(old)))
	if old == "" {
		n = uint64(utf8.RuneCountInString(string(s))) + 1
	}
	if len(args) > 2 {
		if c, ok := args[2].(starlark.Int); ok {
			if c64, ok := c.Int64(); ok && c64 >= 0 {
				n = min(n, uint64(c64))
			}
		}
	}
	return uint64(len(s)) + mul(n, uint64(len(repl)-len(old)))
}

func splitSize(_ *meter, recv starlark.Value, args starlark.Tuple, _ []starlark.Tuple) uint64 {
	s, ok := recv.(starlark.String)
	if !ok {
		return 0
	}
	pieces := uint64(len(s))/2 + 1 // fields split on white space
	if len(args) > 0 {
		switch a := args[0].(type) {
		case starlark.String: // split(sep)
			if a != "" {
				pieces = uint64(strings.Count(string(s), string(a))) + 1
			}
		case starlark.Bool: // splitlines(keepends)
			pieces = uint64(strings.Count(string(s), "\n")+strings.Count(string(s), "\r")) + 1
		}
	}
	return uint64(len(s)) + mul(pieces, pieceSize)
}

// reprSize estimates the length of v's text (str, repr, %s, JSON), which
// can be exponential in v's size when v shares parts; it stops counting
// past budget.
func reprSize(v starlark.Value, budget uint64) uint64 {
	s := sizer{budget: budget, path: map[starlark.Value]bool{}}
	s.walk(v)
	return s.total
}

type sizer struct {
	total, budget uint64
	path          map[starlark.Value]bool // containers being walked (cycles print as "[...]")
}

// add counts n bytes and reports whether the budget still holds.
func (s *sizer) add(n uint64) bool {
	s.total += n
	return s.total <= s.budget
}

func (s *sizer) walk(v starlark.Value) bool {
	switch x := v.(type) {
	case starlark.String:
		return s.add(uint64(len(x)) + 2)
	case starlark.Bytes:
		return s.add(4*uint64(len(x)) + 3)
	case starlark.Int:
		return s.add(bitLen(x)/3 + 2)
	case starlark.Tuple:
		return s.elems(len(x), func(i int) starlark.Value { return x[i] })
	case *starlark.List:
		return s.container(x, func() bool { return s.elems(x.Len(), x.Index) })
	case *starlark.Dict:
		return s.container(x, func() bool { return s.iterable(x, x) })
	case *starlark.Set:
		return s.container(x, func() bool { return s.iterable(x, nil) })
	case starlark.HasAttrs:
		for _, name := range x.AttrNames() {
			if f, err := x.Attr(name); err == nil && f != nil && (!s.add(uint64(len(name))+3) || !s.walk(f)) {
				return false
			}
		}
		return s.add(otherSize)
	}
	return s.add(otherSize)
}

func (s *sizer) container(c starlark.Value, walk func() bool) bool {
	if s.path[c] {
		return s.add(5)
	}
	s.path[c] = true
	defer delete(s.path, c)
	return walk()
}

func (s *sizer) elems(n int, at func(int) starlark.Value) bool {
	if !s.add(2) {
		return false
	}
	for i := range n {
		if !s.add(2) || !s.walk(at(i)) {
			return false
		}
	}
	return true
}

// iterable walks a set's elements or a dict's keys and values.
func (s *sizer) iterable(it starlark.Iterable, values starlark.Mapping) bool {
	iter := it.Iterate()
	defer iter.Done()
	var k starlark.Value
	for iter.Next(&k) {
		if !s.add(4) || !s.walk(k) {
			return false
		}
		if values != nil {
			if v, found, err := values.Get(k); err == nil && found && !s.walk(v) {
				return false
			}
		}
	}
	return true
}
