package stages

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/disco-build/disco/stages/cachelock"
	"github.com/disco-build/disco/stages/initramfs"
)

// InitName is the file name of disco's initramfs /init program.
const InitName = "disco-init"

// InitProgram finds the bytes of disco-init, once per value: the file
// given (DISCO_INIT), else disco-init beside the running executable (where
// `make build` puts it), else built from disco's source tree with the go
// command (as under `go test` or `go run`). All three give the same bytes
// for the same source and Go version, since they are built with the same
// flags (initramfs.BuildInitFor).
type InitProgram struct {
	Path   string // DISCO_INIT: a prebuilt disco-init; "" to search
	TmpDir string // where a build from source is written

	once  sync.Once
	bytes []byte
	from  string
	err   error
}

// Bytes returns the program and where it came from.
func (p *InitProgram) Bytes(ctx context.Context) ([]byte, string, error) {
	p.once.Do(func() { p.bytes, p.from, p.err = p.find(ctx) })
	return p.bytes, p.from, p.err
}

func (p *InitProgram) find(ctx context.Context) ([]byte, string, error) {
	if p.Path != "" {
		b, err := os.ReadFile(p.Path)
		if err != nil {
			return nil, "", fmt.Errorf("disco-init (DISCO_INIT): %w", err)
		}
		return b, p.Path, nil
	}
	if exe, err := os.Executable(); err == nil {
		beside := filepath.Join(filepath.Dir(exe), InitName)
		if b, err := os.ReadFile(beside); err == nil {
			return b, beside, nil
		}
	}
	dir := p.TmpDir
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", err
	}
	out, err := cachelock.MkdirTemp(dir, "disco-init-")
	if err != nil {
		return nil, "", err
	}
	defer out.Remove()
	bin := filepath.Join(out.Path, InitName)
	if err := initramfs.BuildInit(ctx, bin); err != nil {
		return nil, "", fmt.Errorf("no %s beside disco and no DISCO_INIT: %w", InitName, err)
	}
	b, err := os.ReadFile(bin)
	return b, "built from source", err
}
