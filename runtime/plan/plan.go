package plan

import "encoding/json"

// Plan is the whole evaluated configuration: every machine, sorted by
// group then name once defaulted.
type Plan struct {
	Machines []*Machine `json:"machines"`
}

// Source tells which kind of definition a machine came from.
const (
	SourceStarlark = "starlark"
	SourceLegacy   = "legacy"
)

// Machine is one machine to build. Lists are in application order.
type Machine struct {
	Pos    Pos    `json:"pos"`
	Name   string `json:"name"`
	Group  string `json:"group"`
	Source string `json:"source"`

	// Format is the machine's package format, which follows from its
	// repositories (Default sets it): FormatDeb for a machine with apt
	// repositories; empty for RPM, the format disco started with, so that
	// RPM machines keep the digests their locks recorded.
	Format          string `json:"format,omitempty"`
	Arch            string `json:"arch"`
	Releasever      string `json:"releasever,omitempty"`
	Hostname        string `json:"hostname,omitempty"`
	SourceDateEpoch *int64 `json:"source_date_epoch,omitempty"`
	WeakDeps        bool   `json:"weak_deps,omitempty"`

	Packages   []Package   `json:"packages"`
	Repos      []Repo      `json:"repos"`
	AptRepos   []AptRepo   `json:"apt_repos,omitempty"`
	YumConf    *YumConf    `json:"yum_conf,omitempty"`
	Overlays   []Overlay   `json:"overlays"`
	Files      []File      `json:"files"`
	Devices    []Device    `json:"devices"`
	Users      []User      `json:"users"`
	UserGroups []UserGroup `json:"user_groups"`
	Scriptlets []Scriptlet `json:"scriptlets"`
	Init       *Init       `json:"init,omitempty"`
	Deletes    []Delete    `json:"deletes"`
	Attrs      []Attr      `json:"attrs"`
	// AllowScriptletFailures names packages whose failing scriptlets are
	// recorded but do not fail the build.
	AllowScriptletFailures []string  `json:"allow_scriptlet_failures,omitempty"`
	Disk                   *Disk     `json:"disk,omitempty"`
	Outputs                []Output  `json:"outputs"`
	Boot                   *Boot     `json:"boot,omitempty"`
	Test                   *Test     `json:"test,omitempty"`
	Hardware               *Hardware `json:"hardware,omitempty"`
}

// ID is the machine's identity, "group/name".
func (m *Machine) ID() string { return m.Group + "/" + m.Name }

// Package is one requested package. For RPM machines: a name, name.arch
// or a provide; for Debian machines: name, name=version, name:arch or
// name:arch=version, as apt-get install takes them. With Set, Name names a
// set of packages the resolver computes from the repositories at lock time
// (Debian: mmdebstrap's variants, DebVariants), so the plan says what was
// asked and the lock what it became.
type Package struct {
	Pos  Pos    `json:"pos"`
	Name string `json:"name"`
	Set  bool   `json:"set,omitempty"`
}

// Repo is an RPM repository with yum/dnf semantics. Legacy machines carry
// theirs as raw .repo files (RepoFile) that are parsed after yum.conf
// template substitution at lock time; Starlark repos are structured.
type Repo struct {
	Pos          Pos      `json:"pos"`
	ID           string   `json:"id"`
	Name         string   `json:"name,omitempty"`
	BaseURLs     []string `json:"baseurls,omitempty"`
	MirrorList   string   `json:"mirrorlist,omitempty"`
	Metalink     string   `json:"metalink,omitempty"`
	Enabled      bool     `json:"enabled"`
	GPGCheck     bool     `json:"gpgcheck"`
	RepoGPGCheck bool     `json:"repo_gpgcheck,omitempty"`
	GPGKeys      []string `json:"gpgkeys,omitempty"`
	Priority     int      `json:"priority"`
	Cost         int      `json:"cost"`
	Include      []string `json:"includepkgs,omitempty"`
	Exclude      []string `json:"excludepkgs,omitempty"`
	Proxy        string   `json:"proxy,omitempty"`
	// RepoFile is a legacy .repo file (config-root-relative path) whose
	// sections define the repositories, parsed at lock time after template
	// substitution; when set, the fields above are empty, ID is the file's
	// name, and the plan's JSON leaves out enabled, gpgcheck, priority and
	// cost (unknown until parsed, not false or 0).
	RepoFile string `json:"repo_file,omitempty"`
	Content  string `json:"content,omitempty"`
}

// YumConf is a legacy machine's yum.conf.template, kept verbatim for
// substitution at build time.
type YumConf struct {
	Pos      Pos    `json:"pos"`
	Path     string `json:"path"`
	Template string `json:"template"`
}

// Overlay is a folder copied onto the root. Source is config-root-relative
// (or, for legacy "generated", a marker resolved in the cache at build time).
type Overlay struct {
	Pos    Pos    `json:"pos"`
	Name   string `json:"name"`
	Level  string `json:"level,omitempty"` // "group" or "machine" for legacy trees
	Source string `json:"source"`
	Dest   string `json:"dest"`
	// Digest is a sha256 over the overlay's entries (names, kinds, x bit,
	// symlink targets, contents) so the plan digest changes with them.
	Digest string `json:"digest,omitempty"`
	// Generated marks the overlay filled by generator scriptlets at build
	// time (not read at eval time).
	Generated bool       `json:"generated,omitempty"`
	Attrs     []PathAttr `json:"attrs,omitempty"`
}

// PathAttr sets owner and/or mode for overlay paths matching a glob.
type PathAttr struct {
	Pos   Pos    `json:"pos"`
	Glob  string `json:"glob"`
	Mode  *int64 `json:"mode,omitempty"`
	Owner string `json:"owner,omitempty"`
	Group string `json:"group,omitempty"`
}

// File is a single file (or directory or symlink) the plan places in the
// root: from literal content, from a config file, or made by a Starlark
// generator at eval time.
type File struct {
	Pos           Pos     `json:"pos"`
	Path          string  `json:"path"`
	Kind          string  `json:"kind"` // "file", "dir", "symlink"
	Content       *string `json:"content,omitempty"`
	ContentBase64 string  `json:"content_base64,omitempty"`
	Source        string  `json:"source,omitempty"` // config-root-relative file
	SHA256        string  `json:"sha256,omitempty"`
	Target        string  `json:"target,omitempty"`
	Mode          int64   `json:"mode"`
	Owner         string  `json:"owner"`
	Group         string  `json:"group"`
	Generator     string  `json:"generator,omitempty"`
}

// Device is a device node or FIFO, existing only in the manifest.
type Device struct {
	Pos   Pos    `json:"pos"`
	Path  string `json:"path"`
	Type  string `json:"type"` // "b", "c" or "p"
	Mode  int64  `json:"mode"`
	UID   int64  `json:"uid"`
	GID   int64  `json:"gid"`
	Major *int64 `json:"major,omitempty"`
	Minor *int64 `json:"minor,omitempty"`
}

// User is a declared user account.
type User struct {
	Pos     Pos      `json:"pos"`
	Name    string   `json:"name"`
	UID     *int64   `json:"uid,omitempty"`
	Group   string   `json:"group,omitempty"`
	Groups  []string `json:"groups,omitempty"`
	Home    string   `json:"home,omitempty"`
	Shell   string   `json:"shell,omitempty"`
	Comment string   `json:"comment,omitempty"`
	// Password is a crypt(3) hash or "!"/"*" (locked).
	Password string `json:"password,omitempty"`
	System   bool   `json:"system,omitempty"`
}

// UserGroup is a declared Unix group.
type UserGroup struct {
	Pos    Pos    `json:"pos"`
	Name   string `json:"name"`
	GID    *int64 `json:"gid,omitempty"`
	System bool   `json:"system,omitempty"`
}

// Scriptlet is a legacy generator scriptlet: a bash file sourced at build
// time. Order is group ones, then machine ones, byte order of name.
type Scriptlet struct {
	Pos    Pos    `json:"pos"`
	Name   string `json:"name"`
	Level  string `json:"level"` // "group" or "machine"
	Path   string `json:"path"`  // config-root-relative, as reached
	SHA256 string `json:"sha256"`
}

// Init is the machine's init program, placed at Path (default /init).
type Init struct {
	Pos     Pos     `json:"pos"`
	Source  string  `json:"source,omitempty"` // config-root-relative file
	Content *string `json:"content,omitempty"`
	SHA256  string  `json:"sha256"`
	Path    string  `json:"path"`
}

// Delete removes a path (and what is below it) from the root late in the
// build.
type Delete struct {
	Pos  Pos    `json:"pos"`
	Path string `json:"path"`
}

// Attr sets metadata of a path late in the build (after deletes): mode,
// owner, xattrs, file capabilities and mtime. Unset fields keep what the
// path has.
type Attr struct {
	Pos    Pos               `json:"pos"`
	Path   string            `json:"path"`
	Mode   *int64            `json:"mode,omitempty"`
	Owner  string            `json:"owner,omitempty"`
	Group  string            `json:"group,omitempty"`
	Xattrs map[string]string `json:"xattrs,omitempty"`
	Caps   string            `json:"caps,omitempty"` // cap_to_text form, e.g. "cap_net_raw=ep"
	Mtime  *int64            `json:"mtime,omitempty"`
}

// Disk is the partitioned disk layout.
type Disk struct {
	Pos   Pos    `json:"pos"`
	Table string `json:"table"` // "gpt" or "mbr"
	Size  string `json:"size,omitempty"`
	GUID  string `json:"guid,omitempty"`
	// Fstab asks disco to write /etc/fstab from the layout, naming
	// filesystems by "uuid" or "partuuid"; empty writes none.
	Fstab      string      `json:"fstab,omitempty"`
	Partitions []Partition `json:"partitions"`
}

// Partition is one partition and its filesystem.
type Partition struct {
	Pos   Pos         `json:"pos"`
	Name  string      `json:"name"`
	Size  string      `json:"size"` // bytes as "512M", "2G", "rest"
	Type  string      `json:"type"` // "esp", "linux", "swap", "bios" or a GUID / MBR hex type
	Label string      `json:"label,omitempty"`
	Mount string      `json:"mount,omitempty"`
	GUID  string      `json:"guid,omitempty"`
	FS    *Filesystem `json:"fs,omitempty"`
}

// Filesystem says how a partition is formatted.
type Filesystem struct {
	Pos         Pos    `json:"pos"`
	Type        string `json:"type"` // "ext4", "squashfs", "vfat", "swap"
	Label       string `json:"label,omitempty"`
	UUID        string `json:"uuid,omitempty"`
	Compression string `json:"compression,omitempty"`
	ReadOnly    bool   `json:"read_only,omitempty"`
}

// Output is one requested image format.
type Output struct {
	Pos      Pos    `json:"pos"`
	Format   string `json:"format"`
	Compress string `json:"compress,omitempty"`
}

// Boot says how the machine boots.
type Boot struct {
	Pos     Pos    `json:"pos"`
	Loader  string `json:"loader"` // "systemd-boot", "none", "appliance"
	Cmdline string `json:"cmdline,omitempty"`
	Initrd  string `json:"initrd,omitempty"` // "disco" or "packages"
}

// Hardware is the virtual machine the image is meant for: an OVA's
// descriptor and `disco test`'s qemu take it from here.
type Hardware struct {
	Pos       Pos      `json:"pos"`
	CPUs      int      `json:"cpus"`
	MemoryMiB int      `json:"memory_mib"`
	NIC       string   `json:"nic"`        // "e1000", "vmxnet3", "virtio" or "none"
	BootOrder []string `json:"boot_order"` // "disk", "net", "cdrom"
}

// Test is what `disco test` waits for on the console.
type Test struct {
	Pos     Pos    `json:"pos"`
	Expect  string `json:"expect"`
	Timeout int64  `json:"timeout_seconds,omitempty"`
}

// MarshalJSON leaves a legacy .repo file's unparsed fields out (see
// RepoFile), as the plan's own encoder does.
func (r Repo) MarshalJSON() ([]byte, error) {
	type plain Repo
	if r.RepoFile == "" {
		return json.Marshal(plain(r))
	}
	// Fields at depth 0 dominate the embedded ones of the same JSON
	// name; nil with omitempty, they are left out.
	return json.Marshal(struct {
		plain
		Enabled  *bool `json:"enabled,omitempty"`
		GPGCheck *bool `json:"gpgcheck,omitempty"`
		Priority *int  `json:"priority,omitempty"`
		Cost     *int  `json:"cost,omitempty"`
	}{plain: plain(r)})
}
