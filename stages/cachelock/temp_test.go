package cachelock

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// A live process's temporary file and folder are kept; once it is killed
// they are removed. Files nobody locks are removed too.
func TestRemoveIfDeadAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	fileCmd, file := child(t, "temp:"+dir)
	dirCmd, folder := child(t, "tempdir:"+dir)
	stray := filepath.Join(dir, ".stray.tmp-1")
	os.WriteFile(stray, []byte("x"), 0o644)
	for _, p := range []string{file, folder} {
		if removed, err := RemoveIfDead(p); removed || err != nil {
			t.Fatalf("RemoveIfDead(%s) of a live process = %v, %v", p, removed, err)
		}
	}
	if removed, err := RemoveIfDead(stray); !removed || err != nil {
		t.Fatalf("RemoveIfDead of an unlocked file = %v, %v", removed, err)
	}
	kill(t, fileCmd)
	kill(t, dirCmd)
	for _, p := range []string{file, folder} {
		if removed, err := RemoveIfDead(p); !removed || err != nil {
			t.Fatalf("RemoveIfDead(%s) of a killed process = %v, %v", p, removed, err)
		}
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Fatalf("%s is still there", p)
		}
	}
	if removed, err := RemoveIfDead(file); removed || err != nil {
		t.Fatalf("RemoveIfDead of a missing path = %v, %v", removed, err)
	}
}

// Writers creating, filling and renaming temporary files while a cleaner
// sweeps the folder without pause never lose one, and the cleaner never
// removes a finished file.
func TestRemoveIfDeadRacesWriters(t *testing.T) {
	dir := t.TempDir()
	stop := make(chan struct{})
	var swept sync.WaitGroup
	swept.Add(1)
	go func() {
		defer swept.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if len(e.Name()) > 0 && e.Name()[0] == '.' {
					if _, err := RemoveIfDead(filepath.Join(dir, e.Name())); err != nil {
						t.Error(err)
					}
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 150 {
				f, err := CreateTemp(dir, ".obj.tmp-*")
				if err != nil {
					t.Error(err)
					return
				}
				fmt.Fprintf(f, "%d/%d", w, i)
				if err := os.Rename(f.Name(), filepath.Join(dir, fmt.Sprintf("obj-%d-%d", w, i))); err != nil {
					t.Errorf("a live temporary file was removed: %v", err)
				}
				f.Close()
			}
		}()
	}
	wg.Wait()
	close(stop)
	swept.Wait()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4*150 {
		t.Errorf("%d files, want %d", len(entries), 4*150)
	}
}
