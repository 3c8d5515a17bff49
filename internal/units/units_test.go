package units

import (
	"math"
	"testing"
)

func TestBytes(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Bytes(int64(0), "B"), "0 B"},
		{Bytes(int64(1023), "B"), "1023 B"},
		{Bytes(uint64(1023), "bytes"), "1023 bytes"},
		{Bytes(int64(1024), "B"), "1.0 KiB"},
		{Bytes(int64(1536), "B"), "1.5 KiB"},
		{Bytes(uint64(5<<20), "bytes"), "5.0 MiB"},
		{Bytes(int64(3<<30+1<<29), "B"), "3.5 GiB"},
		{Bytes(uint64(math.MaxUint64), "bytes"), "17179869184.0 GiB"},
		{Bytes(int64(-1), "B"), "-1 B"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
