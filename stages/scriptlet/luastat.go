package scriptlet

import (
	"fmt"
	"os"
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

// posixUtime is posix.utime(path [, mtime [, atime]]). Where rpm uses the
// current time, this uses SOURCE_DATE_EPOCH, so that builds repeat.
func posixUtime(L *lua.LState) int {
	epoch, _ := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64)
	mtime := int64(L.OptNumber(2, lua.LNumber(epoch)))
	atime := int64(L.OptNumber(3, lua.LNumber(mtime)))
	tv := []syscall.Timeval{{Sec: atime}, {Sec: mtime}}
	return result(L, syscall.Utimes(L.CheckString(1), tv))
}

// posixUname is posix.uname([format]): %s system, %n node, %r release,
// %v version, %m machine, %% a percent sign; default "%s %n %r %v %m".
func posixUname(L *lua.LState) int {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return result(L, err)
	}
	fields := map[byte]string{'s': cstr(u.Sysname[:]), 'n': cstr(u.Nodename[:]), 'r': cstr(u.Release[:]),
		'v': cstr(u.Version[:]), 'm': cstr(u.Machine[:]), '%': "%"}
	format := L.OptString(1, "%s %n %r %v %m")
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] == '%' && i+1 < len(format) {
			if v, ok := fields[format[i+1]]; ok {
				b.WriteString(v)
				i++
				continue
			}
		}
		b.WriteByte(format[i])
	}
	L.Push(lua.LString(b.String()))
	return 1
}

func cstr(b []int8) string {
	var s []byte
	for _, c := range b {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
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
