package deb

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// multiBlockXZ compresses data into blocks of blockSize, as dpkg-deb's
// threaded encoder does.
func multiBlockXZ(t *testing.T, data []byte, blockSize int64) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := xz.WriterConfig{BlockSize: blockSize}.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParallelXZ(t *testing.T) {
	defer func(m int64) { parallelXZMin = m }(parallelXZMin)
	parallelXZMin = 0
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 600<<10)
	for i := range data {
		data[i] = "abcdefghij"[rng.IntN(10)]
	}
	comp := multiBlockXZ(t, data, 100<<10)
	header, blocks, ok := xzLayout(bytes.NewReader(comp), int64(len(comp)))
	if !ok || len(blocks) != 6 || len(header) != 12 {
		t.Fatalf("layout: ok %v, %d blocks", ok, len(blocks))
	}
	r := newParallelXZ(bytes.NewReader(comp), int64(len(comp)), 3)
	if r == nil {
		t.Skip("one core: decoded in sequence")
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("parallel decode: %d bytes, err %v", len(got), err)
	}

	bad := bytes.Clone(comp)
	bad[blocks[3].offset+100] ^= 0xff
	r = newParallelXZ(bytes.NewReader(bad), int64(len(bad)), 3)
	_, err = io.ReadAll(r)
	r.Close()
	if err == nil || !strings.Contains(err.Error(), "block 3") || !isFormat(err) {
		t.Errorf("corrupt block 3: error %v", err)
	}

	one := multiBlockXZ(t, data, 1<<30)
	if r := newParallelXZ(bytes.NewReader(one), int64(len(one)), 3); r != nil {
		t.Error("a one-block stream was split")
	}
	if r := newParallelXZ(bytes.NewReader(comp[:len(comp)-1]), int64(len(comp)-1), 3); r != nil {
		t.Error("a truncated stream was split")
	}
	if r := newParallelXZ(bytes.NewReader(comp), int64(len(comp)), 1); r != nil {
		t.Error("split with one worker")
	}
}
