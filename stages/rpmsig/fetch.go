package rpmsig

import (
	"fmt"
	"os"
)

// FetchVerifier returns a hook for the fetch stage's Options.Verify: it
// checks each downloaded package with VerifyPackage and fails the item on
// any error. name is the item's name, which errors give as the file; path
// is the downloaded file.
func FetchVerifier(k *Keyring) func(name, path string) error {
	return func(name, path string) error {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("verify %s: %w", name, err)
		}
		defer f.Close()
		_, err = VerifyPackage(name, f, k)
		return err
	}
}
