package scriptlet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

// posixStat is rpm's posix.stat(path [, field]): a table of the file's
// attributes (following symbolic links), or one of them.
func posixStat(L *lua.LState) int {
	var st syscall.Stat_t
	if err := syscall.Stat(L.CheckString(1), &st); err != nil {
		return result(L, err)
	}
	t := L.NewTable()
	t.RawSetString("mode", lua.LString(modeString(st.Mode)))
	t.RawSetString("ino", lua.LNumber(st.Ino))
	t.RawSetString("dev", lua.LNumber(st.Dev))
	t.RawSetString("nlink", lua.LNumber(st.Nlink))
	t.RawSetString("uid", lua.LNumber(st.Uid))
	t.RawSetString("gid", lua.LNumber(st.Gid))
	t.RawSetString("size", lua.LNumber(st.Size))
	t.RawSetString("atime", lua.LNumber(st.Atim.Sec))
	t.RawSetString("mtime", lua.LNumber(st.Mtim.Sec))
	t.RawSetString("ctime", lua.LNumber(st.Ctim.Sec))
	t.RawSetString("type", lua.LString(fileType(st.Mode)))
	if L.GetTop() >= 2 {
		L.Push(t.RawGetString(L.CheckString(2)))
		return 1
	}
	L.Push(t)
	return 1
}

func fileType(m uint32) string {
	switch m & syscall.S_IFMT {
	case syscall.S_IFREG:
		return "regular"
	case syscall.S_IFDIR:
		return "directory"
	case syscall.S_IFLNK:
		return "link"
	case syscall.S_IFCHR:
		return "character device"
	case syscall.S_IFBLK:
		return "block device"
	case syscall.S_IFIFO:
		return "fifo"
	case syscall.S_IFSOCK:
		return "socket"
	}
	return "?"
}

// modeString is the permission part of ls -l: "rwxr-xr-x".
func modeString(m uint32) string {
	const rwx = "rwxrwxrwx"
	b := []byte("---------")
	for i := range 9 {
		if m&(1<<(8-i)) != 0 {
			b[i] = rwx[i]
		}
	}
	return string(b)
}

var symbolic = regexp.MustCompile(`^[r-][w-][x-][r-][w-][x-][r-][w-][x-]$`)

// parseMode reads a mode as posix.chmod takes it: a number, an octal
// string ("0755") or an ls-style string ("rwxr-xr-x").
func parseMode(v lua.LValue) (uint32, error) {
	if n, ok := v.(lua.LNumber); ok {
		return uint32(n), nil
	}
	s := strings.TrimSpace(v.String())
	if symbolic.MatchString(s) {
		var m uint32
		for i := range 9 {
			if s[i] != '-' {
				m |= 1 << (8 - i)
			}
		}
		return m, nil
	}
	m, err := strconv.ParseUint(s, 8, 32)
	if err != nil {
		return 0, fmt.Errorf("mode %q is neither octal nor rwxrwxrwx", s)
	}
	return uint32(m), nil
}

// pathMacros are the few macros rpm.expand knows: rpm's defaults for
// paths, which do not depend on the image.
var pathMacros = map[string]string{
	"_prefix": "/usr", "_exec_prefix": "/usr", "_bindir": "/usr/bin", "_sbindir": "/usr/sbin",
	"_libexecdir": "/usr/libexec", "_datadir": "/usr/share", "_sysconfdir": "/etc",
	"_sharedstatedir": "/var/lib", "_localstatedir": "/var", "_includedir": "/usr/include",
	"_infodir": "/usr/share/info", "_mandir": "/usr/share/man", "_docdir": "/usr/share/doc",
	"_rpmconfigdir": "/usr/lib/rpm", "_tmppath": "/var/tmp", "_unitdir": "/usr/lib/systemd/system",
}

var macroRef = regexp.MustCompile(`%%|%\{([A-Za-z_][A-Za-z0-9_]*)\}|%([A-Za-z_][A-Za-z0-9_]*)`)

// expand replaces %% and the known macros; others stay as written, as
// rpm leaves undefined macros.
func expand(s string) string {
	return macroRef.ReplaceAllStringFunc(s, func(m string) string {
		if m == "%%" {
			return "%"
		}
		name := strings.Trim(m, "%{}")
		if v, ok := pathMacros[name]; ok {
			return v
		}
		return m
	})
}
