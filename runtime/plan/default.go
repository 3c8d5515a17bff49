package plan

import "sort"

// Defaults used when a plan leaves a value unset.
const (
	DefaultArch     = "x86_64"
	DefaultInitPath = "/init"
	DefaultPriority = 99
	DefaultCost     = 1000
	DefaultGroup    = "default"
)

// Default fills unset values with their defaults and sorts machines by
// group then name. It is separate from evaluation and from Validate so that
// `disco eval` can show exactly what a build will use.
func Default(p *Plan) {
	for _, m := range p.Machines {
		defaultMachine(m)
	}
	sort.SliceStable(p.Machines, func(i, j int) bool {
		a, b := p.Machines[i], p.Machines[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Name < b.Name
	})
}

func defaultMachine(m *Machine) {
	if m.Group == "" {
		m.Group = DefaultGroup
	}
	defaultDeb(m)
	if m.Arch == "" {
		m.Arch = DefaultArch
	}
	if m.Hostname == "" {
		m.Hostname = m.Name
	}
	for i := range m.Repos {
		r := &m.Repos[i]
		if r.RepoFile != "" {
			continue
		}
		if r.Priority == 0 {
			r.Priority = DefaultPriority
		}
		if r.Cost == 0 {
			r.Cost = DefaultCost
		}
	}
	for i := range m.Overlays {
		if m.Overlays[i].Dest == "" {
			m.Overlays[i].Dest = "/"
		}
	}
	for i := range m.Files {
		defaultFile(&m.Files[i])
	}
	if m.Init != nil && m.Init.Path == "" {
		m.Init.Path = DefaultInitPath
	}
	if m.Disk == nil {
		m.Disk = defaultDisk(m.Pos)
	}
	defaultPartitions(m)
	if len(m.Outputs) == 0 {
		m.Outputs = []Output{{Pos: m.Pos, Format: "raw"}}
	}
	nilToEmpty(m)
}

func defaultFile(f *File) {
	if f.Kind == "" {
		f.Kind = "file"
	}
	if f.Owner == "" {
		f.Owner = "root"
	}
	if f.Group == "" {
		f.Group = "root"
	}
	if f.Mode == 0 && f.Kind != "symlink" {
		f.Mode = 0o644
		if f.Kind == "dir" {
			f.Mode = 0o755
		}
	}
	if f.Kind == "symlink" {
		f.Mode = 0o777
	}
}

// defaultDisk is the layout of a machine that names none (every legacy
// machine): GPT with a 256 MiB EFI system partition and an ext4 root
// filling the rest.
func defaultDisk(pos Pos) *Disk {
	return &Disk{
		Pos:   pos,
		Table: "gpt",
		Partitions: []Partition{
			{Pos: pos, Name: "esp", Size: "256M", Type: "esp", Mount: "/boot/efi",
				FS: &Filesystem{Pos: pos, Type: "vfat", Label: "ESP"}},
			{Pos: pos, Name: "root", Size: "rest", Type: "linux", Mount: "/",
				FS: &Filesystem{Pos: pos, Type: "ext4", Label: "root"}},
		},
	}
}

func defaultPartitions(m *Machine) {
	for i := range m.Disk.Partitions {
		p := &m.Disk.Partitions[i]
		if p.Size == "" {
			p.Size = "auto"
		}
		if p.Type == "" {
			p.Type = "linux"
		}
	}
}

// nilToEmpty makes list fields empty rather than null, so the JSON form has
// one shape whatever a definition left out.
func nilToEmpty(m *Machine) {
	if m.Packages == nil {
		m.Packages = []Package{}
	}
	if m.Repos == nil {
		m.Repos = []Repo{}
	}
	if m.Overlays == nil {
		m.Overlays = []Overlay{}
	}
	if m.Files == nil {
		m.Files = []File{}
	}
	if m.Devices == nil {
		m.Devices = []Device{}
	}
	if m.Users == nil {
		m.Users = []User{}
	}
	if m.UserGroups == nil {
		m.UserGroups = []UserGroup{}
	}
	if m.Scriptlets == nil {
		m.Scriptlets = []Scriptlet{}
	}
	if m.Deletes == nil {
		m.Deletes = []Delete{}
	}
	if m.Attrs == nil {
		m.Attrs = []Attr{}
	}
}
