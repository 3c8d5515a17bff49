package stages

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"

	"github.com/disco-build/disco/runtime/configfs"
	"github.com/disco-build/disco/runtime/legacy"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/apt"
)

// debRepo is one of a machine's apt repositories made ready for use: a
// legacy machine's ${variables} substituted, URIs made absolute (a
// relative one is a folder of the config root), and the keyring the plan
// names, read and checked against the digests the plan recorded.
type debRepo struct {
	plan.AptRepo
	keyring *apt.Keyring
}

// repository is the repository as package apt takes it.
func (r *debRepo) repository() apt.Repository {
	return apt.Repository{Name: r.Name, URIs: r.URIs, Suite: r.Suite, Keyring: r.keyring,
		AllowUnsigned: r.AllowUnsigned, Trusted: r.Trusted, AllowExpired: r.AllowExpired}
}

// key identifies what loading the repository depends on.
func (r *debRepo) key() string {
	var sums []string
	for _, k := range r.Keyrings {
		sums = append(sums, k.SHA256)
	}
	return fmt.Sprintf("%s|%q|%s|%q|%q|%t%t%t", r.Name, r.URIs, r.Suite, r.Components, sums, r.AllowUnsigned, r.Trusted, r.AllowExpired)
}

// debRepos returns m's apt repositories ready for use; keyrings are read
// through the config root's sandbox (as evaluation read them), once per
// run (keys, by digest).
func debRepos(root, cache string, m *plan.Machine, keys map[string]*apt.Keyring) ([]*debRepo, error) {
	if len(m.AptRepos) == 0 {
		return nil, plan.Errorf(m.Pos, "machine %s has no apt repository", m.ID())
	}
	var vars map[string]string
	if m.Source == plan.SourceLegacy {
		vars = legacy.Variables(root, cache, m)
	}
	var fsys *configfs.FS
	defer func() {
		if fsys != nil {
			fsys.Close()
		}
	}()
	var out []*debRepo
	for _, pr := range m.AptRepos {
		r := &debRepo{AptRepo: pr}
		r.URIs = make([]string, len(pr.URIs))
		for i, u := range pr.URIs {
			r.URIs[i] = absURL(root, legacy.Substitute(u, vars))
		}
		r.Suite = legacy.Substitute(pr.Suite, vars)
		r.Components = make([]string, len(pr.Components))
		for i, c := range pr.Components {
			r.Components[i] = legacy.Substitute(c, vars)
		}
		if len(pr.Keyrings) > 0 {
			if fsys == nil {
				var err error
				if fsys, err = configfs.New(root, cache); err != nil {
					return nil, err
				}
			}
			kr, err := loadKeyring(fsys, pr, keys)
			if err != nil {
				return nil, err
			}
			r.keyring = kr
		}
		out = append(out, r)
	}
	return out, nil
}

// loadKeyring reads the keyrings of r into one apt.Keyring: the files
// must still have the digests the plan recorded.
func loadKeyring(fsys fs.FS, r plan.AptRepo, keys map[string]*apt.Keyring) (*apt.Keyring, error) {
	var sums []string
	for _, k := range r.Keyrings {
		sums = append(sums, k.SHA256)
	}
	id := strings.Join(sums, " ")
	if kr, ok := keys[id]; ok {
		return kr, nil
	}
	kr := &apt.Keyring{}
	for _, k := range r.Keyrings {
		name, data := k.Path, []byte(k.Inline)
		if k.Path != "" {
			var err error
			if data, err = fs.ReadFile(fsys, k.Path); err != nil {
				return nil, plan.Errorf(k.Pos, "apt_repo %q: keyring: %v", r.Name, err)
			}
		} else {
			name = fmt.Sprintf("Signed-By of %s", k.Pos)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != k.SHA256 {
			return nil, plan.Errorf(k.Pos, "apt_repo %q: keyring %s changed since the plan was made; run again", r.Name, name)
		}
		if err := kr.Add(name, data); err != nil {
			return nil, plan.Errorf(k.Pos, "apt_repo %q: %v", r.Name, err)
		}
	}
	keys[id] = kr
	return kr, nil
}
