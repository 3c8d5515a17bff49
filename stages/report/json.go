package report

import (
	"fmt"
	"io"

	"github.com/disco-build/disco/runtime/plan"
)

// WriteJSON writes the report as canonical JSON: sorted keys, two-space
// indentation, a final newline.
func (r *Report) WriteJSON(w io.Writer) error {
	return writeCanonical(w, r, "report")
}

func writeCanonical(w io.Writer, v any, what string) error {
	b, err := plan.Canonical(v)
	if err != nil {
		return fmt.Errorf("report: %s: %w", what, err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("report: writing %s: %w", what, err)
	}
	return nil
}
