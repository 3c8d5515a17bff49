package plan

// The writers below list every JSON key of their type in byte order, with
// encoding/json's rules: omitempty members are left out when empty, nil
// slices are null. TestEncoderMatchesGeneric fills every field and compares
// with the generic encoding, so a field added to a type and not here fails.

// machine writes m; a non-empty digest is added as the "digest" member.
func (e *encoder) machine(m *Machine, digest string) {
	e.open('{')
	e.stringsOmit("allow_scriptlet_failures", m.AllowScriptletFailures)
	listOmit(e, "apt_repos", m.AptRepos, (*encoder).aptRepo)
	e.str("arch", m.Arch)
	list(e, "attrs", m.Attrs, (*encoder).attr)
	ptrOmit(e, "boot", m.Boot, (*encoder).boot)
	list(e, "deletes", m.Deletes, (*encoder).delete)
	list(e, "devices", m.Devices, (*encoder).device)
	e.strOmit("digest", digest)
	ptrOmit(e, "disk", m.Disk, (*encoder).disk)
	list(e, "files", m.Files, (*encoder).file)
	e.strOmit("format", m.Format)
	e.str("group", m.Group)
	ptrOmit(e, "hardware", m.Hardware, (*encoder).hardware)
	e.strOmit("hostname", m.Hostname)
	ptrOmit(e, "init", m.Init, (*encoder).init)
	e.str("name", m.Name)
	list(e, "outputs", m.Outputs, (*encoder).output)
	list(e, "overlays", m.Overlays, (*encoder).overlay)
	list(e, "packages", m.Packages, (*encoder).pkg)
	e.position(m.Pos)
	e.strOmit("releasever", m.Releasever)
	list(e, "repos", m.Repos, (*encoder).repo)
	list(e, "scriptlets", m.Scriptlets, (*encoder).scriptlet)
	e.str("source", m.Source)
	e.intPtrOmit("source_date_epoch", m.SourceDateEpoch)
	ptrOmit(e, "test", m.Test, (*encoder).test)
	list(e, "user_groups", m.UserGroups, (*encoder).userGroup)
	list(e, "users", m.Users, (*encoder).user)
	e.boolOmit("weak_deps", m.WeakDeps)
	ptrOmit(e, "yum_conf", m.YumConf, (*encoder).yumConf)
	e.close('}')
}

func (e *encoder) pkg(p *Package) {
	e.open('{')
	e.str("name", p.Name)
	e.position(p.Pos)
	e.boolOmit("set", p.Set)
	e.close('}')
}

func (e *encoder) aptRepo(r *AptRepo) {
	e.open('{')
	e.boolOmit("allow_expired", r.AllowExpired)
	e.boolOmit("allow_unsigned", r.AllowUnsigned)
	e.strOmit("arch", r.Arch)
	e.strings("components", r.Components)
	listOmit(e, "keyrings", r.Keyrings, (*encoder).keyring)
	e.str("name", r.Name)
	e.position(r.Pos)
	e.int("priority", int64(r.Priority))
	e.strOmit("proxy", r.Proxy)
	e.str("suite", r.Suite)
	e.boolOmit("trusted", r.Trusted)
	e.strings("uris", r.URIs)
	e.close('}')
}

func (e *encoder) keyring(k *Keyring) {
	e.open('{')
	e.strOmit("inline", k.Inline)
	e.strOmit("path", k.Path)
	e.position(k.Pos)
	e.str("sha256", k.SHA256)
	e.close('}')
}

// repo encodes a repository. A legacy .repo file (RepoFile) is parsed only
// at lock time, after template substitution: until then its enabled,
// gpgcheck, priority and cost are not known, so they are left out rather
// than shown as zero values that would read as facts.
func (e *encoder) repo(r *Repo) {
	parsed := r.RepoFile == ""
	e.open('{')
	e.stringsOmit("baseurls", r.BaseURLs)
	e.strOmit("content", r.Content)
	if parsed {
		e.int("cost", int64(r.Cost))
		e.bool("enabled", r.Enabled)
	}
	e.stringsOmit("excludepkgs", r.Exclude)
	if parsed {
		e.bool("gpgcheck", r.GPGCheck)
	}
	e.stringsOmit("gpgkeys", r.GPGKeys)
	e.str("id", r.ID)
	e.stringsOmit("includepkgs", r.Include)
	e.strOmit("metalink", r.Metalink)
	e.strOmit("mirrorlist", r.MirrorList)
	e.strOmit("name", r.Name)
	e.position(r.Pos)
	if parsed {
		e.int("priority", int64(r.Priority))
	}
	e.strOmit("proxy", r.Proxy)
	e.strOmit("repo_file", r.RepoFile)
	e.boolOmit("repo_gpgcheck", r.RepoGPGCheck)
	e.close('}')
}

func (e *encoder) yumConf(y *YumConf) {
	e.open('{')
	e.str("path", y.Path)
	e.position(y.Pos)
	e.str("template", y.Template)
	e.close('}')
}

func (e *encoder) overlay(o *Overlay) {
	e.open('{')
	listOmit(e, "attrs", o.Attrs, (*encoder).pathAttr)
	e.str("dest", o.Dest)
	e.strOmit("digest", o.Digest)
	e.boolOmit("generated", o.Generated)
	e.strOmit("level", o.Level)
	e.str("name", o.Name)
	e.position(o.Pos)
	e.str("source", o.Source)
	e.close('}')
}

func (e *encoder) pathAttr(a *PathAttr) {
	e.open('{')
	e.str("glob", a.Glob)
	e.strOmit("group", a.Group)
	e.intPtrOmit("mode", a.Mode)
	e.strOmit("owner", a.Owner)
	e.position(a.Pos)
	e.close('}')
}

func (e *encoder) file(f *File) {
	e.open('{')
	e.strPtrOmit("content", f.Content)
	e.strOmit("content_base64", f.ContentBase64)
	e.strOmit("generator", f.Generator)
	e.str("group", f.Group)
	e.str("kind", f.Kind)
	e.int("mode", f.Mode)
	e.str("owner", f.Owner)
	e.str("path", f.Path)
	e.position(f.Pos)
	e.strOmit("sha256", f.SHA256)
	e.strOmit("source", f.Source)
	e.strOmit("target", f.Target)
	e.close('}')
}

func (e *encoder) device(d *Device) {
	e.open('{')
	e.int("gid", d.GID)
	e.intPtrOmit("major", d.Major)
	e.intPtrOmit("minor", d.Minor)
	e.int("mode", d.Mode)
	e.str("path", d.Path)
	e.position(d.Pos)
	e.str("type", d.Type)
	e.int("uid", d.UID)
	e.close('}')
}

func (e *encoder) user(u *User) {
	e.open('{')
	e.strOmit("comment", u.Comment)
	e.strOmit("group", u.Group)
	e.stringsOmit("groups", u.Groups)
	e.strOmit("home", u.Home)
	e.str("name", u.Name)
	e.strOmit("password", u.Password)
	e.position(u.Pos)
	e.strOmit("shell", u.Shell)
	e.boolOmit("system", u.System)
	e.intPtrOmit("uid", u.UID)
	e.close('}')
}

func (e *encoder) userGroup(g *UserGroup) {
	e.open('{')
	e.intPtrOmit("gid", g.GID)
	e.str("name", g.Name)
	e.position(g.Pos)
	e.boolOmit("system", g.System)
	e.close('}')
}

func (e *encoder) scriptlet(s *Scriptlet) {
	e.open('{')
	e.str("level", s.Level)
	e.str("name", s.Name)
	e.str("path", s.Path)
	e.position(s.Pos)
	e.str("sha256", s.SHA256)
	e.close('}')
}

func (e *encoder) init(i *Init) {
	e.open('{')
	e.strPtrOmit("content", i.Content)
	e.str("path", i.Path)
	e.position(i.Pos)
	e.str("sha256", i.SHA256)
	e.strOmit("source", i.Source)
	e.close('}')
}

func (e *encoder) delete(d *Delete) {
	e.open('{')
	e.str("path", d.Path)
	e.position(d.Pos)
	e.close('}')
}

func (e *encoder) attr(a *Attr) {
	e.open('{')
	e.strOmit("caps", a.Caps)
	e.strOmit("group", a.Group)
	e.intPtrOmit("mode", a.Mode)
	e.intPtrOmit("mtime", a.Mtime)
	e.strOmit("owner", a.Owner)
	e.str("path", a.Path)
	e.position(a.Pos)
	e.stringMapOmit("xattrs", a.Xattrs)
	e.close('}')
}

func (e *encoder) disk(d *Disk) {
	e.open('{')
	e.strOmit("fstab", d.Fstab)
	e.strOmit("guid", d.GUID)
	list(e, "partitions", d.Partitions, (*encoder).partition)
	e.position(d.Pos)
	e.strOmit("size", d.Size)
	e.str("table", d.Table)
	e.close('}')
}

func (e *encoder) partition(p *Partition) {
	e.open('{')
	ptrOmit(e, "fs", p.FS, (*encoder).filesystem)
	e.strOmit("guid", p.GUID)
	e.strOmit("label", p.Label)
	e.strOmit("mount", p.Mount)
	e.str("name", p.Name)
	e.position(p.Pos)
	e.str("size", p.Size)
	e.str("type", p.Type)
	e.close('}')
}

func (e *encoder) filesystem(f *Filesystem) {
	e.open('{')
	e.strOmit("compression", f.Compression)
	e.strOmit("label", f.Label)
	e.position(f.Pos)
	e.boolOmit("read_only", f.ReadOnly)
	e.str("type", f.Type)
	e.strOmit("uuid", f.UUID)
	e.close('}')
}

func (e *encoder) output(o *Output) {
	e.open('{')
	e.strOmit("compress", o.Compress)
	e.str("format", o.Format)
	e.position(o.Pos)
	e.close('}')
}

func (e *encoder) boot(b *Boot) {
	e.open('{')
	e.strOmit("cmdline", b.Cmdline)
	e.strOmit("initrd", b.Initrd)
	e.str("loader", b.Loader)
	e.position(b.Pos)
	e.close('}')
}

func (e *encoder) hardware(h *Hardware) {
	e.open('{')
	e.strings("boot_order", h.BootOrder)
	e.int("cpus", int64(h.CPUs))
	e.int("memory_mib", int64(h.MemoryMiB))
	e.str("nic", h.NIC)
	e.position(h.Pos)
	e.close('}')
}

func (e *encoder) test(t *Test) {
	e.open('{')
	e.str("expect", t.Expect)
	e.position(t.Pos)
	if t.Timeout != 0 {
		e.int("timeout_seconds", t.Timeout)
	}
	e.close('}')
}
