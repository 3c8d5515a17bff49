package ext4

import (
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

const (
	rootIno    = 2
	resizeIno  = 7
	journalIno = 8
	lpfIno     = 11 // lost+found, the first non-reserved inode
	blockSize  = 4096
)

// inode is one file of the tree; hard links are several dirents to it.
type inode struct {
	num      uint32
	mode     uint32
	uid, gid uint32
	mtime    int64
	size     int64
	open     func() (io.ReadCloser, error)
	target   string
	major    uint32
	minor    uint32
	xattrs   []xattr
	links    uint32
	path     string   // first path, for messages
	kids     []dirent // directories: children sorted by name
	parent   *inode   // directories

	// Filled by layout and content writing.
	dir      [][]byte // directories: encoded blocks (checksums filled at write)
	dirHtree bool     // directory is hash-indexed
	exts     []extent // data extents
	extra    uint64   // blocks beyond data: extent tree blocks, xattr block
	iblock   [60]byte // i_block when not an extent root
	xblock   uint64   // xattr block number, 0 if none
	inXattr  []xattr  // xattrs stored inside the inode
	blkXattr []xattr  // xattrs stored in the xattr block
}

type dirent struct {
	name string
	ino  *inode
}

// tree is the validated, numbered filesystem content.
type tree struct {
	root   *inode
	byNum  []*inode // byNum[i] is inode number lpfIno+i
	maxIno uint32
}

func (n *inode) isDir() bool { return n.mode&S_IFMT == S_IFDIR }
func (n *inode) isReg() bool { return n.mode&S_IFMT == S_IFREG }
func (n *inode) isLnk() bool { return n.mode&S_IFMT == S_IFLNK }

func buildTree(entries []Entry, opts Options) (*tree, error) {
	if opts.BlockSize != 0 && opts.BlockSize != blockSize {
		return nil, fmt.Errorf("block size %d not supported (only %d)", opts.BlockSize, blockSize)
	}
	sorted := make([]*Entry, len(entries))
	for i := range entries {
		sorted[i] = &entries[i]
	}
	slices.SortFunc(sorted, func(a, b *Entry) int { return strings.Compare(a.Path, b.Path) })
	if len(opts.Label) > 16 {
		return nil, fmt.Errorf("label %q longer than 16 bytes", opts.Label)
	}
	b := &builder{nodes: map[string]*inode{}, links: map[string]string{}, epoch: opts.Epoch, opts: opts}
	var links []*Entry
	for i, e := range sorted {
		if err := checkPath(e.Path); err != nil {
			return nil, err
		}
		if i > 0 && sorted[i-1].Path == e.Path {
			return nil, fmt.Errorf("%s: listed twice", e.Path)
		}
		if e.Link != "" {
			if e.Path == "/" {
				return nil, errors.New("/: the root cannot be a hard link")
			}
			links = append(links, e)
			b.links[e.Path] = path.Clean(e.Link)
			continue
		}
		n, err := newInode(e)
		if err != nil {
			return nil, err
		}
		b.nodes[e.Path] = n
	}
	return b.finish(sorted, links)
}

type builder struct {
	nodes map[string]*inode
	links map[string]string // hard link path -> its target path
	epoch int64
	opts  Options
}

func (b *builder) finish(sorted, links []*Entry) (*tree, error) {
	root := b.nodes["/"]
	if root == nil {
		root = b.implicitDir("/", 0o755)
	} else if !root.isDir() {
		return nil, errors.New("/: root is not a directory")
	}
	root.parent = root
	for _, e := range sorted {
		if e.Path == "/" || e.Link != "" {
			continue
		}
		if err := b.attach(e.Path, b.nodes[e.Path]); err != nil {
			return nil, err
		}
	}
	for _, e := range links {
		if err := b.link(e); err != nil {
			return nil, err
		}
	}
	lpf := b.nodes["/lost+found"]
	if lpf == nil {
		lpf = b.implicitDir("/lost+found", 0o700)
		if err := b.attach("/lost+found", lpf); err != nil {
			return nil, err
		}
	} else if !lpf.isDir() {
		return nil, errors.New("/lost+found: must be a directory")
	}
	t := number(root, lpf)
	return t, t.prepare(b.opts)
}

func (b *builder) implicitDir(p string, perm uint32) *inode {
	n := &inode{mode: S_IFDIR | perm, mtime: b.epoch, path: p}
	b.nodes[p] = n
	return n
}

// attach links n under its parent directory, creating missing parents.
func (b *builder) attach(p string, n *inode) error {
	dir, name := path.Split(p)
	dir = path.Clean(dir)
	parent := b.nodes[dir]
	if parent == nil {
		parent = b.implicitDir(dir, 0o755)
		if err := b.attach(dir, parent); err != nil {
			return err
		}
	}
	if !parent.isDir() {
		return fmt.Errorf("%s: parent %s is not a directory", p, dir)
	}
	if n.isDir() {
		n.parent = parent
	}
	n.links++
	parent.kids = append(parent.kids, dirent{name: name, ino: n})
	return nil
}

func (b *builder) link(e *Entry) error {
	to := path.Clean(e.Link)
	for hops := 0; b.links[to] != "" && hops < len(b.links); hops++ {
		to = b.links[to] // a link to a link
	}
	target := b.nodes[to]
	if target == nil || !path.IsAbs(e.Link) || b.links[to] != "" {
		return fmt.Errorf("%s: hard link target %q is not an entry", e.Path, e.Link)
	}
	if target.links >= 65000 {
		return fmt.Errorf("%s: more than 65000 hard links to %s", e.Path, to)
	}
	if target.isDir() {
		return fmt.Errorf("%s: hard link target %q is a directory", e.Path, e.Link)
	}
	if b.nodes[e.Path] != nil {
		return fmt.Errorf("%s: listed twice", e.Path)
	}
	b.nodes[e.Path] = target
	return b.attach(e.Path, target)
}

func checkPath(p string) error {
	if !path.IsAbs(p) || path.Clean(p) != p {
		return fmt.Errorf("%q: path must be absolute and clean", p)
	}
	for _, c := range strings.Split(p[1:], "/") {
		if len(c) > 255 {
			return fmt.Errorf("%s: name longer than 255 bytes", p)
		}
		if strings.IndexByte(c, 0) >= 0 {
			return fmt.Errorf("%q: NUL in path", p)
		}
	}
	return nil
}

func newInode(e *Entry) (*inode, error) {
	n := &inode{mode: e.Mode, uid: e.UID, gid: e.GID, mtime: e.Mtime, path: e.Path}
	switch e.Mode & S_IFMT {
	case S_IFREG:
		if e.Size < 0 || (e.Size > 0 && e.Open == nil) {
			return nil, fmt.Errorf("%s: regular file of size %d without content", e.Path, e.Size)
		}
		n.size, n.open = e.Size, e.Open
	case S_IFLNK:
		if e.Target == "" || len(e.Target) >= blockSize {
			return nil, fmt.Errorf("%s: symlink target length %d out of range", e.Path, len(e.Target))
		}
		n.target = e.Target
		n.size = int64(len(e.Target))
	case S_IFCHR, S_IFBLK:
		n.major, n.minor = e.Major, e.Minor
	case S_IFDIR, S_IFIFO, S_IFSOCK:
	default:
		return nil, fmt.Errorf("%s: unknown file type in mode %#o", e.Path, e.Mode)
	}
	x, err := parseXattrs(e.Path, e.Xattrs)
	if err != nil {
		return nil, err
	}
	n.xattrs = x
	return n, nil
}

// number sorts every directory and numbers inodes depth-first in name
// order: root 2, lost+found 11, then 12, 13, ...
func number(root, lpf *inode) *tree {
	t := &tree{root: root}
	root.num, lpf.num = rootIno, lpfIno
	t.byNum = append(t.byNum, lpf)
	next := uint32(lpfIno + 1)
	var walk func(d *inode)
	walk = func(d *inode) {
		slices.SortFunc(d.kids, func(a, b dirent) int { return strings.Compare(a.name, b.name) })
		for _, k := range d.kids {
			if k.ino.num == 0 {
				k.ino.num = next
				next++
				t.byNum = append(t.byNum, k.ino)
			}
			if k.ino.isDir() {
				walk(k.ino)
			}
		}
	}
	walk(root)
	t.maxIno = next - 1
	return t
}

// each calls fn for the root and every numbered inode, in inode order.
func (t *tree) each(fn func(n *inode)) {
	fn(t.root)
	for _, n := range t.byNum {
		fn(n)
	}
}

// prepare encodes directories and splits xattrs between inode and block;
// both only depend on the tree and Options, not on block positions.
func (t *tree) prepare(opts Options) error {
	hs, fs := hashSeed(opts), fsSeed(opts)
	var err error
	t.each(func(n *inode) {
		if err != nil {
			return
		}
		if n.isDir() {
			if err = encodeDir(n, hs, fs); err != nil {
				return
			}
		}
		_, err = placeXattrs(n)
	})
	return err
}
