package stages

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpmsig"
)

// keyrings loads each repository's gpgkey= keys once.
type keyrings struct {
	root   string
	client *http.Client
	byRepo map[string]*rpmsig.Keyring
}

func newKeyrings(root string, client *http.Client) *keyrings {
	return &keyrings{root: root, client: client, byRepo: map[string]*rpmsig.Keyring{}}
}

// get returns the keyring of c's gpgkey= list (relative paths are relative
// to the config root; http(s) keys are downloaded).
func (k *keyrings) get(ctx context.Context, c *repo.Config) (*rpmsig.Keyring, error) {
	key := c.ID + "|" + strings.Join(c.GPGKeys, " ")
	if kr, ok := k.byRepo[key]; ok {
		return kr, nil
	}
	if len(c.GPGKeys) == 0 {
		return nil, fmt.Errorf("%s:%d: repo %s has gpgcheck on but no gpgkey", c.File, c.Line, c.ID)
	}
	kr := &rpmsig.Keyring{}
	for _, src := range c.GPGKeys {
		if err := k.add(ctx, kr, src); err != nil {
			return nil, fmt.Errorf("repo %s: gpgkey %s: %w", c.ID, src, err)
		}
	}
	k.byRepo[key] = kr
	return kr, nil
}

func (k *keyrings) add(ctx context.Context, kr *rpmsig.Keyring, src string) error {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		return kr.AddFile(strings.TrimPrefix(absURL(k.root, src), "file://"))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return err
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	return kr.Add(src, data)
}

// checkRepoMD verifies repomd.xml against repodata/repomd.xml.asc when
// the repository asks for it (repo_gpgcheck=1).
func (k *keyrings) checkRepoMD(ctx context.Context, c *repo.Config, src repo.Source, repomd []byte) error {
	if !c.RepoGPGCheck {
		return nil
	}
	kr, err := k.get(ctx, c)
	if err != nil {
		return err
	}
	var asc []byte
	if rc, err := src.Open(ctx, "repodata/repomd.xml.asc"); err == nil {
		asc, err = io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return err
		}
	}
	if err := rpmsig.VerifyRepoMD(repomd, asc, kr); err != nil {
		return fmt.Errorf("repo %s: repomd.xml: %w", c.ID, err)
	}
	return nil
}
