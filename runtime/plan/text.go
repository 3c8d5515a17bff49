package plan

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteText renders machines for people: what each machine installs and
// places, in order, with the digest. Output is buffered, so w sees a few
// large writes.
func WriteText(w io.Writer, machines []*Machine) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	tw := &textWriter{w: bw}
	ds := digests(machines)
	for i, m := range machines {
		if i > 0 {
			tw.line("")
		}
		tw.machine(m, ds[i])
	}
	if err := bw.Flush(); tw.err == nil {
		tw.err = err
	}
	return tw.err
}

type textWriter struct {
	w   *bufio.Writer
	err error
}

func (t *textWriter) line(format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, format+"\n", args...)
}

func (t *textWriter) machine(m *Machine, digest string) {
	t.line("machine %s (%s, %s)", m.ID(), m.Source, m.Pos)
	if m.Format != "" {
		t.line("  format: %s", m.Format)
	}
	t.line("  arch: %s", m.Arch)
	if m.Releasever != "" {
		t.line("  releasever: %s", m.Releasever)
	}
	t.line("  hostname: %s", m.Hostname)
	if m.SourceDateEpoch != nil {
		t.line("  source_date_epoch: %d", *m.SourceDateEpoch)
	}
	t.line("  digest: %s", digest)
	t.packages(m)
	t.repos(m)
	t.aptRepos(m)
	t.files(m)
	t.devices(m)
	t.accounts(m)
	t.disk(m)
	t.outputs(m)
}

func (t *textWriter) packages(m *Machine) {
	names := make([]string, len(m.Packages))
	for i, p := range m.Packages {
		names[i] = p.Name
		if p.Set {
			names[i] = "@" + p.Name
		}
	}
	t.line("  packages (%d): %s", len(names), strings.Join(names, " "))
	if m.WeakDeps {
		t.line("  weak dependencies: on")
	}
}

func (t *textWriter) repos(m *Machine) {
	if m.YumConf != nil {
		t.line("  yum.conf template: %s", m.YumConf.Path)
	}
	for _, r := range m.Repos {
		if r.RepoFile != "" {
			t.line("  repo file %s", r.RepoFile)
			continue
		}
		state := "enabled"
		if !r.Enabled {
			state = "disabled"
		}
		t.line("  repo %s (%s, priority %d): %s", r.ID, state, r.Priority, strings.Join(repoURLs(r), " "))
	}
}

func (t *textWriter) aptRepos(m *Machine) {
	for _, r := range m.AptRepos {
		var opts []string
		for _, k := range r.Keyrings {
			if k.Path != "" {
				opts = append(opts, "signed-by "+k.Path)
			} else {
				opts = append(opts, "signed-by inline keys")
			}
		}
		for _, o := range []struct {
			on   bool
			what string
		}{{r.AllowUnsigned, "unsigned allowed"}, {r.Trusted, "trusted"}, {r.AllowExpired, "expired allowed"}} {
			if o.on {
				opts = append(opts, o.what)
			}
		}
		opts = append(opts, fmt.Sprintf("priority %d", r.Priority))
		t.line("  apt repo %s (%s): %s %s %s", r.Name, strings.Join(opts, ", "), strings.Join(r.URIs, " "), r.Suite, strings.Join(r.Components, " "))
	}
}

func repoURLs(r Repo) []string {
	urls := append([]string(nil), r.BaseURLs...)
	if r.MirrorList != "" {
		urls = append(urls, "mirrorlist="+r.MirrorList)
	}
	if r.Metalink != "" {
		urls = append(urls, "metalink="+r.Metalink)
	}
	return urls
}

func (t *textWriter) files(m *Machine) {
	for _, s := range m.Scriptlets {
		t.line("  scriptlet (%s) %s", s.Level, s.Path)
	}
	for _, f := range m.Files {
		from := "content"
		switch {
		case f.Kind == "dir":
			from = "directory"
		case f.Generator != "":
			from = "generator " + f.Generator
		case f.Source != "":
			from = f.Source
		case f.Kind == "symlink":
			from = "-> " + f.Target
		}
		t.line("  %s %s %04o %s:%s (%s)", f.Kind, f.Path, f.Mode, f.Owner, f.Group, from)
	}
	for _, o := range m.Overlays {
		src := o.Source
		if o.Generated {
			src += " (filled by scriptlets)"
		}
		level := ""
		if o.Level != "" {
			level = " (" + o.Level + ")"
		}
		t.line("  overlay %s%s onto %s: %s", o.Name, level, o.Dest, src)
	}
	if m.Init != nil {
		src := m.Init.Source
		if src == "" {
			src = "content"
		}
		t.line("  init %s: %s", m.Init.Path, src)
	}
	for _, d := range m.Deletes {
		t.line("  delete %s", d.Path)
	}
	for _, a := range m.Attrs {
		t.line("  attrs %s", a.Path)
	}
	if len(m.AllowScriptletFailures) > 0 {
		t.line("  scriptlet failures allowed for: %s", strings.Join(m.AllowScriptletFailures, " "))
	}
}

func (t *textWriter) devices(m *Machine) {
	for _, d := range m.Devices {
		nums := ""
		if d.Major != nil && d.Minor != nil {
			nums = fmt.Sprintf(" %d,%d", *d.Major, *d.Minor)
		}
		t.line("  device %s %s %04o %d:%d%s", d.Path, d.Type, d.Mode, d.UID, d.GID, nums)
	}
}

func (t *textWriter) accounts(m *Machine) {
	for _, g := range m.UserGroups {
		t.line("  group %s%s", g.Name, optID("gid", g.GID))
	}
	for _, u := range m.Users {
		t.line("  user %s%s", u.Name, optID("uid", u.UID))
	}
}

func optID(what string, id *int64) string {
	if id == nil {
		return ""
	}
	return fmt.Sprintf(" (%s %d)", what, *id)
}

func (t *textWriter) disk(m *Machine) {
	if m.Disk == nil {
		return
	}
	size := ""
	if m.Disk.Size != "" {
		size = ", size " + m.Disk.Size
	}
	if m.Disk.Fstab != "" {
		size += ", fstab by " + m.Disk.Fstab
	}
	t.line("  disk %s%s", m.Disk.Table, size)
	for _, p := range m.Disk.Partitions {
		fs := "none"
		if p.FS != nil {
			fs = p.FS.Type
		}
		mount := ""
		if p.Mount != "" {
			mount = " on " + p.Mount
		}
		t.line("    partition %s: %s, type %s, fs %s%s", p.Name, p.Size, p.Type, fs, mount)
	}
}

func (t *textWriter) outputs(m *Machine) {
	names := make([]string, len(m.Outputs))
	for i, o := range m.Outputs {
		names[i] = o.Format
		if o.Compress != "" {
			names[i] += "+" + o.Compress
		}
	}
	t.line("  outputs: %s", strings.Join(names, " "))
	if m.Boot != nil {
		t.line("  boot: %s", strings.TrimSpace(m.Boot.Loader+" "+m.Boot.Cmdline))
	}
	if m.Test != nil {
		t.line("  test expects: %q", m.Test.Expect)
	}
	if h := m.Hardware; h != nil {
		t.line("  hardware: %d cpu, %d MiB, nic %s, boot %s", h.CPUs, h.MemoryMiB, h.NIC, strings.Join(h.BootOrder, ","))
	}
}
