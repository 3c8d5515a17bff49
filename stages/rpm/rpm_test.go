package rpm

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func TestPackageIdentityMatchesRPM(t *testing.T) {
	path := kindsRPM(t)
	p := openFile(t, path)
	want := rpmQuery(t, path, "--qf", "%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{BUILDTIME}|%{SIZE}|%{SOURCERPM}|%{PAYLOADFORMAT}|%{PAYLOADCOMPRESSOR}|%{PAYLOADFLAGS}|%{PAYLOADDIGEST}|%{PAYLOADDIGESTALGO}|%{FILEDIGESTALGO}")
	e, hasEpoch := p.Epoch()
	if !hasEpoch {
		t.Errorf("Epoch: not present")
	}
	got := fmt.Sprintf("%s|%d|%s|%s|%s|%d|%d|%s|%s|%s|%s|%s|%d|%d", p.Name(), e, p.Version(), p.Release(), p.Arch(),
		p.BuildTime(), p.Size(), p.SourceRPM(), p.PayloadFormat(), p.PayloadCompressor(), p.PayloadFlags(),
		p.PayloadDigest(), p.PayloadDigestAlgo(), p.FileDigestAlgo())
	if got != want {
		t.Errorf("identity:\n got %s\nwant %s", got, want)
	}
	if p.BuildTime() != 1700000000 {
		t.Errorf("BuildTime = %d, want SOURCE_DATE_EPOCH", p.BuildTime())
	}
	if p.Lead.Name != "kinds-2:1.2-3" || p.Lead.Major != 3 || p.Lead.Type != 0 {
		t.Errorf("lead = %+v", p.Lead)
	}
	if p.IsSource() || p.NEVRA() != "kinds-2:1.2-3.x86_64" {
		t.Errorf("IsSource %v NEVRA %s", p.IsSource(), p.NEVRA())
	}
}

func TestHeaderRegionsAndRawBytes(t *testing.T) {
	p := openFile(t, kindsRPM(t))
	for _, c := range []struct {
		h   *Header
		tag Tag
	}{{p.Signature, TagHeaderSignatures}, {p.Header, TagHeaderImmutable}} {
		r, ok := c.h.Region()
		if !ok || r.Tag != c.tag {
			t.Fatalf("region = %+v %v, want tag %d", r, ok, c.tag)
		}
		if r.IndexCount != len(c.h.Entries()) {
			t.Errorf("region tag %d covers %d of %d entries", c.tag, r.IndexCount, len(c.h.Entries()))
		}
		if string(c.h.RegionBlob()) != string(c.h.Raw()) {
			t.Errorf("region tag %d: RegionBlob differs from Raw for a package header", c.tag)
		}
	}
	if p.HeaderOffset%8 != 0 || p.SignatureOffset != LeadSize {
		t.Errorf("offsets sig %d hdr %d", p.SignatureOffset, p.HeaderOffset)
	}
	// The signature header's sizes describe the main header and payload.
	size, ok := p.Signature.Int(SigTagSize)
	if !ok {
		size, ok = p.Signature.Int(SigTagLongSize)
	}
	fileSize := fileLen(t, kindsRPM(t))
	if !ok || int64(size) != fileSize-p.HeaderOffset {
		t.Errorf("signature size %d, want %d", size, fileSize-p.HeaderOffset)
	}
	// The SHA256 header digest covers the main header's bytes exactly.
	if d := p.Signature.String(SigTagSHA256); d != sha256hex(p.Header.Raw()) {
		t.Errorf("SHA256HEADER %s, computed %s", d, sha256hex(p.Header.Raw()))
	}
}

func TestFilesMatchRPMDump(t *testing.T) {
	path := kindsRPM(t)
	compareDump(t, path, openFile(t, path))
}

// compareDump checks Files against rpm -qp --dump, field by field.
func compareDump(t *testing.T, path string, p *Package) {
	t.Helper()
	files, err := p.Files()
	if err != nil {
		t.Fatal(err)
	}
	dump := lines(rpmQuery(t, path, "--dump"))
	if len(dump) != len(files) {
		t.Fatalf("%d files, rpm --dump lists %d", len(files), len(dump))
	}
	for i, line := range dump {
		f := files[i]
		isConfig, isDoc := 0, 0
		if f.IsConfig() {
			isConfig = 1
		}
		if f.Flags&FileDoc != 0 {
			isDoc = 1
		}
		link := "X"
		if f.LinkTo != "" {
			link = f.LinkTo
		}
		digest := f.Digest
		if digest == "" {
			digest = strings.Repeat("0", map[uint32]int{DigestMD5: 32}[p.FileDigestAlgo()]+
				map[uint32]int{DigestSHA256: 64}[p.FileDigestAlgo()])
		}
		got := fmt.Sprintf("%s %d %d %s 0%o %s %s %d %d %d %s", f.Path, f.Size, f.Mtime, digest, f.Mode,
			f.User, f.Group, isConfig, isDoc, f.Rdev, link)
		if got != line {
			t.Errorf("file %d:\n got %s\nwant %s", i, got, line)
		}
	}
}

func TestFileAttributesMatchQueryFormat(t *testing.T) {
	path := kindsRPM(t)
	p := openFile(t, path)
	files, err := p.Files()
	if err != nil {
		t.Fatal(err)
	}
	want := lines(rpmQuery(t, path, "--qf", "[%{FILENAMES}|%{FILEFLAGS}|%{FILECAPS}|%{FILEINODES}|%{FILEDEVICES}|%{FILELANGS}|%{FILEVERIFYFLAGS}|%{FILECOLORS}|%{FILENLINKS}|%{FILEMODES:octal}\n]"))
	for i, f := range files {
		got := fmt.Sprintf("%s|%d|%s|%d|%d|%s|%d|%d|%d|%o", f.Path, f.Flags, f.Caps, f.Inode, f.Device, f.Lang,
			f.Verify, f.Color, max(len(f.Links), 1), f.Mode)
		if got != want[i] {
			t.Errorf("file %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
	byPath := map[string]File{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	// What the spec asked for, read back through the accessors.
	checks := []struct {
		name string
		ok   bool
	}{
		{"setuid", byPath["/usr/bin/hello"].Perm() == 0o4755},
		{"char dev", byPath["/dev/tty0"].Type() == ModeChar && byPath["/dev/tty0"].Major() == 4 && byPath["/dev/tty0"].Minor() == 0},
		{"block dev", byPath["/dev/sda"].Type() == ModeBlock && byPath["/dev/sda"].Major() == 8},
		{"fifo", byPath["/var/lib/k/fifo"].Type() == ModeFIFO && byPath["/var/lib/k/fifo"].User == "daemon"},
		{"dir owner", byPath["/var/lib/k"].IsDir() && byPath["/var/lib/k"].Group == "nogroup"},
		{"ghost", byPath["/var/log/k.log"].IsGhost() && !byPath["/var/log/k.log"].HasContent()},
		{"noreplace", byPath["/etc/k.conf"].Flags&(FileConfig|FileNoReplace) == FileConfig|FileNoReplace},
		{"symlink", byPath["/usr/bin/hi"].IsSymlink() && byPath["/usr/bin/hi"].LinkTo == "hello"},
		{"caps", byPath["/usr/bin/ping"].Caps == "cap_net_raw=ep"},
		{"lang", byPath["/usr/share/k/de.txt"].Lang == "de"},
		{"hardlink group", len(byPath["/usr/bin/l1"].Links) == 2 && !byPath["/usr/bin/l1"].HasContent() && byPath["/usr/bin/l2"].HasContent()},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: wrong", c.name)
		}
	}
}

func TestDependenciesMatchRPM(t *testing.T) {
	path := kindsRPM(t)
	p := openFile(t, path)
	kinds := []struct {
		tag  string
		list func() ([]Dependency, error)
	}{
		{"PROVIDE", p.Provides}, {"REQUIRE", p.Requires}, {"CONFLICT", p.Conflicts},
		{"OBSOLETE", p.Obsoletes}, {"RECOMMEND", p.Recommends}, {"SUGGEST", p.Suggests},
		{"SUPPLEMENT", p.Supplements}, {"ENHANCE", p.Enhances},
	}
	for _, k := range kinds {
		deps, err := k.list()
		if err != nil {
			t.Fatal(err)
		}
		want := lines(rpmQuery(t, path, "--qf", fmt.Sprintf("[%%{%sNAME}|%%{%sFLAGS}|%%{%sVERSION}\n]", k.tag, k.tag, k.tag)))
		if len(want) == 0 {
			t.Errorf("%s: rpm lists none; the spec should have some", k.tag)
		}
		var got []string
		for _, d := range deps {
			got = append(got, fmt.Sprintf("%s|%d|%s", d.Name, d.Flags, d.Version))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", k.tag, got, want)
		}
	}
	reqs, _ := p.Requires()
	var pre, rich, post bool
	for _, d := range reqs {
		pre = pre || (d.Name == "/bin/sh" && d.Flags&SenseScriptPre != 0 && d.Flags.Pre())
		post = post || (d.Name == "coreutils" && d.Flags&SenseScriptPost != 0 && d.Flags.InstallPrereq())
		rich = rich || (d.IsRich() && d.Name == "(foo >= 1.0 or bar)")
	}
	if !pre || !rich || !post {
		t.Errorf("Requires(pre) %v Requires(post) %v rich %v in %v", pre, post, rich, reqs)
	}
}

func TestScriptsMatchRPM(t *testing.T) {
	path := kindsRPM(t)
	p := openFile(t, path)
	for _, s := range []struct{ name, tag string }{
		{"pretrans", "PRETRANS"}, {"pre", "PREIN"}, {"post", "POSTIN"}, {"preun", "PREUN"},
		{"postun", "POSTUN"}, {"posttrans", "POSTTRANS"},
	} {
		got, ok := p.Script(s.name)
		if !ok {
			t.Errorf("%s: missing", s.name)
			continue
		}
		want := rpmQuery(t, path, "--qf", fmt.Sprintf("%%{%s}\n[%%{%sPROG}|]", s.tag, s.tag))
		body, prog, _ := strings.Cut(want, "\n")
		if body == "(none)" {
			body = ""
		}
		if got.Body != body || strings.Join(got.Prog, "|")+"|" != prog {
			t.Errorf("%s: got body %q prog %q, rpm says %q %q", s.name, got.Body, got.Prog, body, prog)
		}
	}
	post, _ := p.Script("post")
	postun, _ := p.Script("postun")
	if preun, _ := p.Script("preun"); strings.Join(preun.Prog, " ") != "/bin/bash -e" {
		t.Errorf("preun prog %q, want the array form [/bin/bash -e]", preun.Prog)
	}
	if !post.IsLua() || post.Body != `print("post")` || postun.Body != "" || postun.Prog[0] != "/sbin/ldconfig" {
		t.Errorf("post %+v postun %+v", post, postun)
	}
	if n := len(p.Scripts()); n != 6 {
		t.Errorf("Scripts() has %d entries, want 6", n)
	}
}

func TestTriggersMatchRPM(t *testing.T) {
	path := kindsRPM(t)
	p := openFile(t, path)
	trs, err := p.Triggers()
	if err != nil {
		t.Fatal(err)
	}
	want := lines(rpmQuery(t, path, "--qf", "[%{TRIGGERNAME}|%{TRIGGERFLAGS}|%{TRIGGERVERSION}|%{TRIGGERINDEX}\n]"))
	var got []string
	for i, tr := range trs {
		for _, c := range tr.Conditions {
			got = append(got, fmt.Sprintf("%s|%d|%s|%d", c.Name, c.Flags, c.Version, i))
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trigger conditions:\n got %q\nwant %q", got, want)
	}
	if len(trs) != 2 || trs[0].Type != "in" || trs[0].Body != "echo trig" || trs[0].Prog[0] != "/bin/sh" ||
		trs[1].Type != "un" || trs[1].Prog[0] != "<lua>" || trs[1].Body != `print("t")` {
		t.Errorf("triggers = %+v", trs)
	}
	out := rpmQuery(t, path, "--triggers")
	for _, tr := range trs {
		if !strings.Contains(out, "trigger"+tr.Type+" scriptlet (using "+tr.Prog[0]+")") {
			t.Errorf("rpm --triggers does not show trigger%s using %s:\n%s", tr.Type, tr.Prog[0], out)
		}
	}
}

func TestHeaderTypedAccess(t *testing.T) {
	p := openFile(t, kindsRPM(t))
	h := p.Header
	if e, ok := h.Get(TagSummary); !ok || e.Type != TypeI18NString || h.String(TagSummary) != "all file kinds" {
		t.Errorf("summary entry %+v", e)
	}
	if e, ok := h.Get(TagFileModes); !ok || e.Type != TypeInt16 {
		t.Errorf("FILEMODES entry type %v", e.Type)
	}
	if h.Bytes(TagHeaderImmutable) == nil || h.String(TagFileModes) != "" || h.Ints(TagName) != nil {
		t.Errorf("type mismatch accessors should give zero values")
	}
	seen := map[Tag]bool{}
	for _, e := range h.Entries() {
		seen[e.Tag] = true
	}
	// Tags this reader has no constant for are still listed.
	if !seen[1132] { // PLATFORM
		t.Errorf("unknown tag 1132 not kept: %v", seen)
	}
	if got := strconv.Itoa(len(h.Entries())); got == "0" {
		t.Errorf("no entries")
	}
}
