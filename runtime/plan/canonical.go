package plan

import (
	"bytes"
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
