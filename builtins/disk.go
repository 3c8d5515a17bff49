package builtins

import (
	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

const gptDoc = `A GPT partition table. Partitions are laid out in order; only the last may
have size "rest". The disk GUID derives from group/machine unless guid is
given; size defaults to the sum of the partitions. fstab = "uuid" or
"partuuid" makes disco write /etc/fstab from the layout.

    machine(name = "web", disk = gpt([
        partition("esp", "256M", type = "esp", fs = vfat(), mount = "/boot/efi"),
        partition("root", "rest", fs = ext4(), mount = "/"),
    ]))`

const mbrDoc = `An MBR (DOS) partition table, otherwise like gpt().

    machine(name = "web", disk = mbr([partition("root", "rest", type = "83", fs = ext4(), mount = "/")]))`

func tableFn(table string) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	what := table + " disk"
	return func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		c, err := collector(thread)
		if err != nil {
			return nil, err
		}
		d := plan.Disk{Pos: callPos(thread), Table: table}
		parts := listOf("partition")
		var sz size
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "partitions", parts, "size?", &sz, "guid?", &d.GUID, "fstab?", &d.Fstab); err != nil {
			return nil, argError(err)
		}
		d.Size = string(sz)
		for _, p := range parts.items {
			d.Partitions = append(d.Partitions, *p.data.(*plan.Partition))
		}
		v := &Value{kind: "disk", label: unnamed(what), pos: d.Pos, data: &d,
			attrs: attrList{{"table", starlark.String(table)}}}
		v.adopt(parts.items...)
		return c.add(v), nil
	}
}

const partitionDoc = `One partition. size is bytes (int) or a string like "512M", "2G", "auto"
(content plus headroom, the default) or "rest". type is "esp", "linux",
"swap", "bios" or a GUID (MBR: a hex type such as "83").

    machine(name = "web", disk = gpt([partition("root", "rest", fs = ext4(label = "root"), mount = "/")]))`

func partitionFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	p := plan.Partition{Pos: callPos(thread)}
	var sz size
	fsys := &anyFS{}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &p.Name, "size?", &sz, "type?", &p.Type,
		"fs?", fsys, "label?", &p.Label, "mount?", &p.Mount, "guid?", &p.GUID); err != nil {
		return nil, argError(err)
	}
	p.Size = string(sz)
	v := &Value{kind: "partition", label: named("partition", p.Name), pos: p.Pos, data: &p,
		attrs: attrList{{"name", starlark.String(p.Name)}}}
	if fsys.v != nil {
		p.FS = fsys.v.data.(*plan.Filesystem)
		v.adopt(fsys.v)
	}
	return c.add(v), nil
}

// anyFS unpacks a filesystem value of any type.
type anyFS struct{ v *Value }

func (a *anyFS) Unpack(v starlark.Value) error {
	o := one{kind: "filesystem"}
	if err := o.Unpack(v); err != nil {
		return err
	}
	a.v = o.v
	return nil
}

const ext4Doc = `An ext4 filesystem, written natively (no mke2fs, no mounts). The UUID
derives from group/machine/partition unless uuid is given.

    machine(name = "web", disk = gpt([partition("root", "rest", fs = ext4(label = "root"), mount = "/")]))`

const squashfsDoc = `A read-only squashfs filesystem (for immutable roots).

    machine(name = "kiosk", disk = gpt([partition("root", "rest", fs = squashfs(compression = "zstd"), mount = "/")]))`

const vfatDoc = `A FAT filesystem, for the EFI system partition.

    machine(name = "web", disk = gpt([
        partition("esp", "128M", type = "esp", fs = vfat(label = "ESP"), mount = "/boot/efi"),
        partition("root", "rest", fs = ext4(), mount = "/"),
    ]))`

const swapDoc = `A swap area.

    machine(name = "web", disk = gpt([
        partition("swap", "64M", type = "swap", fs = swap()),
        partition("root", "rest", fs = ext4(), mount = "/"),
    ]))`

func fsFn(fsType string) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	what := fsType + " filesystem"
	return func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		c, err := collector(thread)
		if err != nil {
			return nil, err
		}
		f := plan.Filesystem{Pos: callPos(thread), Type: fsType}
		pairs := []any{"label?", &f.Label, "uuid?", &f.UUID}
		if fsType == "squashfs" {
			pairs = append(pairs, "compression?", &f.Compression)
			f.ReadOnly = true
		}
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, pairs...); err != nil {
			return nil, argError(err)
		}
		return c.add(&Value{kind: "filesystem", label: unnamed(what), pos: f.Pos, data: &f,
			attrs: attrList{{"type", starlark.String(fsType)}}}), nil
	}
}
