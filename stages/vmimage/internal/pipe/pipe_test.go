package pipe

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

func disk() *bytes.Reader {
	b := make([]byte, 8<<20)
	for i := range b {
		if (i/4096)%3 != 0 {
			b[i] = byte(i)
		}
	}
	return bytes.NewReader(b)
}

// upper doubles each byte's unit index into the output, so order and
// content are both checkable.
func newFunc() Func {
	return func(dst, data []byte) ([]byte, error) { return append(dst, data[:8]...), nil }
}

func TestOrder(t *testing.T) {
	r := disk()
	var last int64 = -1
	n := 0
	err := Ordered(context.Background(), r, r.Size(), 4096, newFunc, func(i int64, data, out []byte) error {
		if i <= last {
			t.Fatalf("unit %d after %d", i, last)
		}
		if !bytes.Equal(out, data[:8]) || i%3 == 0 {
			t.Fatalf("unit %d: wrong data", i)
		}
		last, n = i, n+1
		return nil
	})
	if err != nil || n != 2*(8<<20)/4096/3 {
		t.Errorf("err %v, %d units", err, n)
	}
}

func TestErrorsStop(t *testing.T) {
	r := disk()
	stop := errors.New("stop")
	err := Ordered(context.Background(), r, r.Size(), 4096, newFunc, func(i int64, _, _ []byte) error {
		if i > 100 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Errorf("sink error: got %v", err)
	}
	bad := errors.New("bad")
	err = Ordered(context.Background(), r, r.Size(), 4096, func() Func {
		return func([]byte, []byte) ([]byte, error) { return nil, bad }
	}, func(int64, []byte, []byte) error { return nil })
	if !errors.Is(err, bad) {
		t.Errorf("func error: got %v", err)
	}
}
