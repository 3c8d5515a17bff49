package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Canonical returns v as canonical JSON: object keys sorted, two-space
// indentation, no HTML escaping, a final newline. Arrays keep their order,
// which the plan defines.
func Canonical(v any) ([]byte, error) {
	generic, err := toGeneric(v)
	if err != nil {
		return nil, err
	}
	return encode(generic)
}

// Digest returns "sha256:<hex>" over the machine's canonical JSON with every
// "pos" key removed, so moving a declaration or adding a comment leaves it
// unchanged.
func (m *Machine) Digest() (string, error) {
	generic, err := toGeneric(m)
	if err != nil {
		return "", err
	}
	stripPos(generic)
	b, err := encode(generic)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

func toGeneric(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("plan: encoding: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("plan: re-decoding: %w", err)
	}
	return generic, nil
}

func encode(generic any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil {
		return nil, fmt.Errorf("plan: encoding: %w", err)
	}
	return buf.Bytes(), nil
}

func stripPos(v any) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "pos")
		for _, e := range x {
			stripPos(e)
		}
	case []any:
		for _, e := range x {
			stripPos(e)
		}
	}
}
