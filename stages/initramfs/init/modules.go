package discoinit

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"golang.org/x/sys/unix"
)

// ReadModuleList reads a module list: one .ko path per line, in load
// order; blank lines and lines starting with # are ignored.
func ReadModuleList(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var mods []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l != "" && !strings.HasPrefix(l, "#") {
			mods = append(mods, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return mods, nil
}

// LoadModules inserts each module in order. A module that is already
// loaded (EEXIST) is not an error.
func LoadModules(paths []string) error {
	for _, p := range paths {
		if err := loadModule(p); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("load module %s: %w", p, err)
		}
	}
	return nil
}

// loadModule uses finit_module for plain .ko files. A .ko.xz, .ko.zst or
// .ko.gz file goes first to finit_module with MODULE_INIT_COMPRESSED_FILE
// (fast, but only kernels built with CONFIG_MODULE_DECOMPRESS take it;
// Debian's 6.1 does not), else it is decompressed here (slower: Go's xz
// takes seconds for ext4 under qemu TCG) and passed to init_module.
func loadModule(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if strings.HasSuffix(path, ".ko") {
		return unix.FinitModule(int(f.Fd()), "", 0)
	}
	err = unix.FinitModule(int(f.Fd()), "", unix.MODULE_INIT_COMPRESSED_FILE)
	if err == nil || errors.Is(err, unix.EEXIST) {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	img, err := decompress(path, f)
	if err != nil {
		return err
	}
	return unix.InitModule(img, "")
}

func decompress(path string, r io.Reader) ([]byte, error) {
	var dr io.Reader
	switch {
	case strings.HasSuffix(path, ".ko.xz"):
		x, err := xz.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("xz: %w", err)
		}
		dr = x
	case strings.HasSuffix(path, ".ko.zst"):
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		defer z.Close()
		dr = z
	case strings.HasSuffix(path, ".ko.gz"):
		g, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		dr = g
	default:
		return nil, fmt.Errorf("not a .ko, .ko.xz, .ko.zst or .ko.gz file")
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, dr); err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	return buf.Bytes(), nil
}
