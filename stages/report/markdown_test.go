package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestMarkdownTables looks for the lines a reader relies on: each table's
// header and a row of each, with the values from the input.
func TestMarkdownTables(t *testing.T) {
	in := fixtureInput(t)
	var b bytes.Buffer
	if err := build(t, in).WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	digest, _ := in.Machine.Digest()
	want := []string{
		"# Build report: estate/web-1\n",
		"| Plan digest | `" + digest + "` |\n",
		"| Package | Version | Arch | Repository | Size | sha256 |\n",
		"| `vim-minimal` | `2:9.0.2081-1.fc39` | x86_64 | `updates` | 781.2 KiB | `" + sum("vim") + "` |\n",
		"| # | Name | Start | Size | Type | GUID | Label | Filesystem | UUID | Mount |\n",
		"| 1 | `esp` | 1 MiB | 64 MiB | esp | `903bcbc6-4011-5628-91d6-a13ac12fa01a` | EFI System | vfat | `1234-ABCD` | `/boot/efi` |\n",
		"| raw | `web-1.raw` | 256 MiB | `" + sum("raw image") + "` |\n",
		"| `vim-minimal-2:9.0.2081-1.fc39.x86_64` | `posttrans` | failed | 1 | exited with status 1 \\| see log |\n",
		"| (generator) | `hostname` | ran | 0 |  |\n",
		"12 paths in the root; the JSON report lists every one (`files`).\n",
		"| `package:bash-5.2.15-3.fc39.x86_64` | 4 | 1000 B |\n",
	}
	for _, w := range want {
		if !strings.Contains(md, w) {
			t.Errorf("Markdown lacks %q", w)
		}
	}
	// Timings would make every build a new page in git.
	if strings.Contains(md, "0.25") || strings.Contains(md, "/usr/bin/bash") {
		t.Errorf("Markdown holds timings or single files:\n%s", md)
	}
	// Every table row has as many cells as its header.
	var cols int
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "| ") {
			cols = 0
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row has %d bars, header %d: %s", n, cols, line)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB", 64 << 20: "64 MiB", 3 << 40: "3 TiB"} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
}
