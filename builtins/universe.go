package builtins

import (
	"go.starlark.net/lib/json"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

type builtinFunc = func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error)

// Doc is the reference entry of one builtin.
type Doc struct {
	Name      string
	Signature string
	Text      string
}

type def struct {
	Doc
	fn builtinFunc
}

var defs = []def{
	{Doc{"machine", "machine(name, group=None, arch=None, releasever=None, hostname=name, packages=[], repos=[], overlays=[], files=[], devices=[], users=[], usergroups=[], generators=[], init=None, deletes=[], attrs=[], disk=None, outputs=[\"raw\"], boot=None, test=None, hardware=None, source_date_epoch=None, weak_deps=False, allow_scriptlet_failures=[])", machineDoc}, machineFn},
	{Doc{"group", "group(name, **machine parameters)", groupDoc}, groupFn},
	{Doc{"repo", "repo(id, baseurl=None, mirrorlist=None, metalink=None, name=None, enabled=True, gpgcheck=False, repo_gpgcheck=False, gpgkey=[], priority=99, cost=1000, includepkgs=[], excludepkgs=[], proxy=None)", repoDoc}, repoFn},
	{Doc{"apt_repo", "apt_repo(name, url, suite, components=[\"main\"], keyring=[], arch=None, allow_unsigned=False, trusted=False, allow_expired=False, priority=500, proxy=None)", aptRepoDoc}, aptRepoFn},
	{Doc{"package_set", "package_set(name)", packageSetDoc}, packageSetFn},
	{Doc{"gpt", "gpt(partitions, size=None, guid=None, fstab=None)", gptDoc}, tableFn("gpt")},
	{Doc{"mbr", "mbr(partitions, size=None, guid=None, fstab=None)", mbrDoc}, tableFn("mbr")},
	{Doc{"partition", "partition(name, size=\"auto\", type=\"linux\", fs=None, label=None, mount=None, guid=None)", partitionDoc}, partitionFn},
	{Doc{"ext4", "ext4(label=None, uuid=None)", ext4Doc}, fsFn("ext4")},
	{Doc{"squashfs", "squashfs(label=None, uuid=None, compression=None)", squashfsDoc}, fsFn("squashfs")},
	{Doc{"vfat", "vfat(label=None, uuid=None)", vfatDoc}, fsFn("vfat")},
	{Doc{"swap", "swap(label=None, uuid=None)", swapDoc}, fsFn("swap")},
	{Doc{"file", "file(path, content=None, src=None, mode=0o644, owner=\"root\", group=\"root\")", fileDoc}, fileFn},
	{Doc{"directory", "directory(path, mode=0o755, owner=\"root\", group=\"root\")", directoryDoc}, directoryFn},
	{Doc{"symlink", "symlink(path, target, owner=\"root\", group=\"root\")", symlinkDoc}, symlinkFn},
	{Doc{"overlay", "overlay(src, dest=\"/\", name=basename(src), modes={}, owners={})", overlayDoc}, overlayFn},
	{Doc{"device", "device(path, type, mode, major=None, minor=None, uid=0, gid=0)", deviceDoc}, deviceFn},
	{Doc{"user", "user(name, uid=None, group=None, groups=[], home=None, shell=None, comment=None, password=\"!\", system=False)", userDoc}, userFn},
	{Doc{"usergroup", "usergroup(name, gid=None, system=False)", usergroupDoc}, usergroupFn},
	{Doc{"generator", "generator(fn, name=fn.name)", generatorDoc}, generatorFn},
	{Doc{"delete", "delete(path)", deleteDoc}, deleteFn},
	{Doc{"attrs", "attrs(path, mode=None, owner=None, group=None, xattrs={}, caps=None, mtime=None)", attrsDoc}, attrsFn},
	{Doc{"output", "output(format, compress=None)", outputDoc}, outputFn},
	{Doc{"boot", "boot(loader=\"systemd-boot\", cmdline=\"\", initrd=\"disco\")", bootDoc}, bootFn},
	{Doc{"hardware", "hardware(cpus=1, memory=\"1G\", nic=\"e1000\", boot_order=[\"disk\"])", hardwareDoc}, hardwareFn},
	{Doc{"expect", "expect(line, timeout=120)", expectDoc}, expectFn},
	{Doc{"read_file", "read_file(path)", readFileDoc}, readFileFn},
	{Doc{"glob", "glob(include, exclude=[])", globDoc}, globFn},
}

// extras are predeclared names that come from go.starlark.net itself.
var extras = []Doc{
	{"json", "json.encode(x), json.decode(s), json.indent(s)", "The deterministic JSON module of go.starlark.net."},
	{"struct", "struct(**kwargs)", "An immutable record, as in go.starlark.net's starlarkstruct."},
}

// Universe returns the predeclared names every configuration file sees.
func Universe() starlark.StringDict {
	u := starlark.StringDict{
		"json":   json.Module,
		"struct": starlark.NewBuiltin("struct", starlarkstruct.Make),
	}
	for _, d := range defs {
		u[d.Name] = starlark.NewBuiltin(d.Name, d.fn)
	}
	return u
}

// Docs returns the reference of every predeclared name, in the order the
// reference page lists them.
func Docs() []Doc {
	out := make([]Doc, 0, len(defs)+len(extras))
	for _, d := range defs {
		out = append(out, d.Doc)
	}
	return append(out, extras...)
}
