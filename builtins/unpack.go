package builtins

import (
	"fmt"
	"slices"
	"strconv"

	"go.starlark.net/starlark"
)

// stringList unpacks a list (or tuple) of strings; a lone string is refused
// so that packages="bash" is caught rather than read as letters.
type stringList []string

func (s *stringList) Unpack(v starlark.Value) error {
	iter, ok := v.(starlark.Iterable)
	if !ok {
		return fmt.Errorf("got %s, want list of strings", v.Type())
	}
	if _, isStr := v.(starlark.String); isStr {
		return fmt.Errorf("got string, want list of strings")
	}
	return each(iter, func(i int, x starlark.Value) error {
		str, ok := starlark.AsString(x)
		if !ok {
			return fmt.Errorf("element %d: got %s, want string", i, x.Type())
		}
		*s = append(*s, str)
		return nil
	})
}

// each calls f with each element of v and its index, stopping at the first
// error. Lists and tuples are indexed, other iterables iterated.
func each(v starlark.Iterable, f func(i int, x starlark.Value) error) error {
	switch v.(type) {
	case *starlark.List, starlark.Tuple:
		seq := v.(starlark.Indexable)
		for i := 0; i < seq.Len(); i++ {
			if err := f(i, seq.Index(i)); err != nil {
				return err
			}
		}
		return nil
	}
	it := v.Iterate()
	defer it.Done()
	var x starlark.Value
	for i := 0; it.Next(&x); i++ {
		if err := f(i, x); err != nil {
			return err
		}
	}
	return nil
}

// stringOrList accepts one string or a list of strings.
type stringOrList []string

func (s *stringOrList) Unpack(v starlark.Value) error {
	if str, ok := starlark.AsString(v); ok {
		*s = []string{str}
		return nil
	}
	var l stringList
	if err := l.Unpack(v); err != nil {
		return fmt.Errorf("got %s, want string or list of strings", v.Type())
	}
	*s = stringOrList(l)
	return nil
}

// valueList unpacks a list of *Value of one kind; kind is set by the
// caller before unpacking.
type valueList struct {
	kind  string
	items []*Value
}

func (l *valueList) Unpack(v starlark.Value) error {
	iter, ok := v.(starlark.Iterable)
	if !ok {
		return fmt.Errorf("got %s, want list of %s", v.Type(), l.kind)
	}
	if seq, ok := iter.(starlark.Sequence); ok {
		l.items = slices.Grow(l.items, seq.Len())
	}
	return each(iter, func(i int, x starlark.Value) error {
		val, ok := x.(*Value)
		if !ok || val.kind != l.kind {
			return fmt.Errorf("element %d: got %s, want %s", i, x.Type(), l.kind)
		}
		l.items = append(l.items, val)
		return nil
	})
}

func listOf(kind string) *valueList { return &valueList{kind: kind} }

// one unpacks a single *Value of one kind.
type one struct {
	kind string
	v    *Value
}

func (o *one) Unpack(v starlark.Value) error {
	if v == starlark.None {
		return nil
	}
	val, ok := v.(*Value)
	if !ok || val.kind != o.kind {
		return fmt.Errorf("got %s, want %s", v.Type(), o.kind)
	}
	o.v = val
	return nil
}

// mode unpacks a file mode: an int (0o644) or an octal string ("0644").
type mode struct {
	set bool
	v   int64
}

func (m *mode) Unpack(v starlark.Value) error {
	switch x := v.(type) {
	case starlark.NoneType:
		return nil
	case starlark.Int:
		n, ok := x.Int64()
		if !ok || n < 0 || n > 0o7777 {
			return fmt.Errorf("mode %s out of range 0 to 0o7777", x)
		}
		m.set, m.v = true, n
	case starlark.String:
		n, err := strconv.ParseInt(string(x), 8, 64)
		if err != nil || n < 0 || n > 0o7777 {
			return fmt.Errorf("mode %q: want an octal number up to 7777", string(x))
		}
		m.set, m.v = true, n
	default:
		return fmt.Errorf("got %s, want int or octal string", v.Type())
	}
	return nil
}

// optInt unpacks an optional non-negative integer.
type optInt struct{ p *int64 }

func (o *optInt) Unpack(v starlark.Value) error {
	if v == starlark.None {
		return nil
	}
	i, ok := v.(starlark.Int)
	if !ok {
		return fmt.Errorf("got %s, want int", v.Type())
	}
	n, ok := i.Int64()
	if !ok || n < 0 {
		return fmt.Errorf("%s: want a non-negative integer", i)
	}
	o.p = &n
	return nil
}

// size unpacks a byte size: an int, or a string like "512M" or "rest".
type size string

func (s *size) Unpack(v starlark.Value) error {
	switch x := v.(type) {
	case starlark.Int:
		n, ok := x.Int64()
		if !ok || n <= 0 {
			return fmt.Errorf("size %s: want a positive number of bytes", x)
		}
		*s = size(strconv.FormatInt(n, 10))
	case starlark.String:
		*s = size(x)
	default:
		return fmt.Errorf("got %s, want int or string like \"512M\"", v.Type())
	}
	return nil
}

func strList(items []string) *starlark.List {
	vals := make([]starlark.Value, len(items))
	for i, s := range items {
		vals[i] = starlark.String(s)
	}
	return starlark.NewList(vals)
}
