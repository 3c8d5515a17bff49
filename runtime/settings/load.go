package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Env looks a name up outside the settings files (typically os.LookupEnv,
// or a function allowing only HOME and USER).
type Env func(name string) (string, bool)

// Load reads files in order, silently skipping missing ones, and returns
// every name assigned, the files actually read, and the first error. A
// reference resolves only to names assigned earlier.
func Load(files []string) (map[string]string, []string, error) {
	return LoadEnv(files, nil)
}

// LoadEnv is Load with env consulted for names that no earlier assignment
// set (env may be nil).
func LoadEnv(files []string, env Env) (map[string]string, []string, error) {
	vars := map[string]string{}
	var read []string
	for _, name := range files {
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, read, fmt.Errorf("settings: %w", err)
		}
		read = append(read, name)
		if err := Parse(name, data, vars, env); err != nil {
			return nil, read, err
		}
	}
	return vars, read, nil
}

// Parse reads the assignments in data (named name in errors) into vars,
// which also supplies the values of earlier names. On error, vars may hold
// some of the file's assignments.
func Parse(name string, data []byte, vars map[string]string, env Env) error {
	p := &parser{lexer: lexer{file: name, src: data, line: 1}, vars: vars, env: env}
	return p.parse()
}
