// Package units formats sizes for people, the one way disco's messages
// print them: binary units with one decimal ("1.5 MiB"), and bytes counted
// below 1 KiB.
package units

import "fmt"

// Bytes formats a size of n bytes in the largest of GiB, MiB and KiB it
// reaches, with one decimal ("1.5 MiB"); below 1 KiB, as the count
// followed by small ("512 B", "512 bytes").
func Bytes[T int64 | uint64](n T, small string) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d %s", n, small)
}
