package scriptlet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/disco-build/disco/stages/rpmver"
	lua "github.com/yuin/gopher-lua"
)

// runLua runs a "<lua>" scriptlet in this (jailed) process.
func runLua(ctx context.Context, req request) status {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	L.SetContext(ctx)
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath}, {lua.IoLibName, lua.OpenIo}, {lua.OsLibName, lua.OpenOs}} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	exit := -1
	if osTable, ok := L.GetGlobal(lua.OsLibName).(*lua.LTable); ok {
		osTable.RawSetString("exit", L.NewFunction(func(L *lua.LState) int {
			exit = exitCode(L.Get(1))
			L.RaiseError("os.exit(%d)", exit)
			return 0
		}))
	}
	L.SetGlobal("posix", L.SetFuncs(L.NewTable(), posixFuncs))
	rpmTable := L.SetFuncs(L.NewTable(), rpmFuncs)
	files := req.Files
	rpmTable.RawSetString("next_file", L.NewFunction(func(L *lua.LState) int {
		if len(files) == 0 {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LString(files[0]))
		files = files[1:]
		return 1
	}))
	L.SetGlobal("rpm", rpmTable)
	args := L.NewTable()
	for _, a := range req.Argv {
		if n, err := strconv.Atoi(a); err == nil {
			args.Append(lua.LNumber(n))
		} else {
			args.Append(lua.LString(a))
		}
	}
	L.SetGlobal("arg", args)
	err := L.DoString(req.Body)
	switch {
	case exit == 0:
		return status{}
	case exit > 0:
		return status{Failed: true, Exit: exit, Reason: fmt.Sprintf("lua: os.exit(%d)", exit)}
	}
	if err != nil {
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) {
			return status{Failed: true, Exit: 1, Reason: "lua: " + apiErr.Object.String()}
		}
		return status{Failed: true, Exit: 1, Reason: "lua: " + err.Error()}
	}
	os.Stdout.Sync()
	return status{}
}

// exitCode reads os.exit's argument: a number, or true (0) / false (1).
func exitCode(v lua.LValue) int {
	switch v := v.(type) {
	case lua.LNumber:
		return int(v)
	case lua.LBool:
		if !bool(v) {
			return 1
		}
	}
	return 0
}

// posixFuncs are the functions of rpm's posix module that scriptlets use.
var posixFuncs = map[string]lua.LGFunction{
	"mkdir": func(L *lua.LState) int {
		return result(L, os.Mkdir(L.CheckString(1), os.FileMode(L.OptInt(2, 0o777))))
	},
	"chmod": func(L *lua.LState) int {
		mode, err := parseMode(L.CheckAny(2))
		if err != nil {
			L.ArgError(2, err.Error())
		}
		return result(L, syscall.Chmod(L.CheckString(1), mode))
	},
	"symlink":  func(L *lua.LState) int { return result(L, os.Symlink(L.CheckString(1), L.CheckString(2))) },
	"link":     func(L *lua.LState) int { return result(L, os.Link(L.CheckString(1), L.CheckString(2))) },
	"unlink":   func(L *lua.LState) int { return result(L, syscall.Unlink(L.CheckString(1))) },
	"rmdir":    func(L *lua.LState) int { return result(L, syscall.Rmdir(L.CheckString(1))) },
	"chdir":    func(L *lua.LState) int { return result(L, os.Chdir(L.CheckString(1))) },
	"access":   posixAccess,
	"stat":     posixStat,
	"readlink": posixReadlink,
	"utime":    posixUtime,
	"uname":    posixUname,
	"getenv": func(L *lua.LState) int {
		v, ok := os.LookupEnv(L.CheckString(1))
		if !ok {
			L.Push(lua.LNil)
		} else {
			L.Push(lua.LString(v))
		}
		return 1
	},
	"getcwd": func(L *lua.LState) int {
		wd, err := os.Getwd()
		if err != nil {
			return result(L, err)
		}
		L.Push(lua.LString(wd))
		return 1
	},
	"fork":  unsupported("posix.fork"),
	"exec":  unsupported("posix.exec"),
	"wait":  unsupported("posix.wait"),
	"umask": unsupported("posix.umask"),
}

// rpmFuncs are the functions of rpm's rpm module that scriptlets use.
var rpmFuncs = map[string]lua.LGFunction{
	"expand": func(L *lua.LState) int { L.Push(lua.LString(expand(L.CheckString(1)))); return 1 },
	"vercmp": func(L *lua.LState) int {
		L.Push(lua.LNumber(rpmver.Compare(L.CheckString(1), L.CheckString(2))))
		return 1
	},
	"execute": rpmExecute,
	"spawn":   rpmSpawn,
}

func unsupported(name string) lua.LGFunction {
	return func(L *lua.LState) int {
		L.RaiseError("%s is not supported by disco's embedded Lua (use rpm.execute)", name)
		return 0
	}
}

// result pushes what posix functions return: 0, or nil, message, errno.
func result(L *lua.LState, err error) int {
	if err == nil {
		L.Push(lua.LNumber(0))
		return 1
	}
	L.Push(lua.LNil)
	L.Push(lua.LString(err.Error()))
	var errno syscall.Errno
	if errors.As(err, &errno) {
		L.Push(lua.LNumber(errno))
	} else {
		L.Push(lua.LNumber(0))
	}
	return 3
}

func posixAccess(L *lua.LState) int {
	var mode uint32
	for _, c := range L.OptString(2, "f") {
		switch c {
		case 'r':
			mode |= 4
		case 'w':
			mode |= 2
		case 'x':
			mode |= 1
		case 'f':
		default:
			L.ArgError(2, fmt.Sprintf("unknown access mode %q", c))
		}
	}
	return result(L, syscall.Access(L.CheckString(1), mode))
}

func posixReadlink(L *lua.LState) int {
	t, err := os.Readlink(L.CheckString(1))
	if err != nil {
		return result(L, err)
	}
	L.Push(lua.LString(t))
	return 1
}

// rpmExecute is rpm.execute(path, args...): it runs a program without a
// shell and returns 0, or nil, a message and the exit code or errno.
func rpmExecute(L *lua.LState) int {
	argv := []string{L.CheckString(1)}
	for i := 2; i <= L.GetTop(); i++ {
		argv = append(argv, L.CheckString(i))
	}
	return spawnResult(L, spawn(argv, nil))
}

// rpmSpawn is rpm.spawn({path, args...} [, {stdin=, stdout=, stderr=}]),
// the same with optional redirections to files.
func rpmSpawn(L *lua.LState) int {
	cmd := L.CheckTable(1)
	var argv []string
	for i := 1; i <= cmd.Len(); i++ {
		argv = append(argv, lua.LVAsString(cmd.RawGetInt(i)))
	}
	if len(argv) == 0 {
		L.ArgError(1, "empty command")
	}
	redirect := map[string]string{}
	if opts, ok := L.Get(2).(*lua.LTable); ok {
		for _, k := range []string{"stdin", "stdout", "stderr"} {
			if v := opts.RawGetString(k); v != lua.LNil {
				redirect[k] = lua.LVAsString(v)
			}
		}
	}
	return spawnResult(L, spawn(argv, redirect))
}

// spawn runs argv with the scriptlet's environment and output, or with
// stdin, stdout and stderr redirected to the files named.
func spawn(argv []string, redirect map[string]string) error {
	cmd := &exec.Cmd{Path: argv[0], Args: argv, Env: os.Environ(), Stdout: os.Stdout, Stderr: os.Stderr}
	if !strings.Contains(argv[0], "/") { // looked up on PATH, as posix_spawnp does
		p, err := exec.LookPath(argv[0])
		if err != nil {
			return err
		}
		cmd.Path = p
	}
	for _, k := range []string{"stdin", "stdout", "stderr"} {
		name, ok := redirect[k]
		if !ok {
			continue
		}
		flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if k == "stdin" {
			flag = os.O_RDONLY
		}
		f, err := os.OpenFile(name, flag, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		switch k {
		case "stdin":
			cmd.Stdin = f
		case "stdout":
			cmd.Stdout = f
		default:
			cmd.Stderr = f
		}
	}
	return cmd.Run()
}

func spawnResult(L *lua.LState, err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		L.Push(lua.LNil)
		L.Push(lua.LString(fmt.Sprintf("exit status %d", ee.ExitCode())))
		L.Push(lua.LNumber(ee.ExitCode()))
		return 3
	}
	return result(L, err)
}
