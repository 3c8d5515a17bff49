package rpmsig

import (
	"bytes"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// VerifyRepoMD checks repomd.xml against repomd.xml.asc, its detached
// signature (armored, or binary as some mirrors serve it). A good
// signature by a key of k returns nil; otherwise an *Error of kind
// ErrBadSignature, ErrUnknownKey, ErrExpiredKey or ErrRevokedKey. An empty
// asc is ErrUnsigned; a missing .asc file is the caller's to report so.
func VerifyRepoMD(repomd, asc []byte, k *Keyring) error {
	const name = "repomd.xml"
	sig, err := signaturePacket(asc)
	if err != nil {
		return &Error{File: name + ".asc", Kind: ErrBadSignature, Err: err}
	}
	if len(sig) == 0 {
		return failf(name, ErrUnsigned, "", "empty repomd.xml.asc")
	}
	_, err = k.checkSignature(name, "repomd.xml.asc", sig, bytes.NewReader(repomd))
	return err
}

// signaturePacket strips the armor, if any, from a detached signature.
func signaturePacket(asc []byte) ([]byte, error) {
	if !isArmored(asc) {
		return asc, nil
	}
	block, err := armor.Decode(bytes.NewReader(asc))
	if err != nil {
		return nil, fmt.Errorf("armor: %w", err)
	}
	if block.Type != "PGP SIGNATURE" {
		return nil, fmt.Errorf("armor block is %q, not a PGP SIGNATURE", block.Type)
	}
	return io.ReadAll(block.Body)
}
