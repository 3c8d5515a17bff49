package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteMarkdown writes the report as GitHub-flavoured Markdown for people
// (and git pages): a summary, then tables of repositories, packages,
// partitions, outputs, scriptlets and provenance per source. Timings are
// left out so the page only changes when the machine does; the file list
// is only counted, the JSON report has it in full.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	for _, section := range []func(*strings.Builder){
		r.mdSummary, r.mdRepos, r.mdPackages, r.mdDisk, r.mdBoot, r.mdOutputs, r.mdOutcomes, r.mdProvenance,
	} {
		section(&b)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("report: writing Markdown for %s: %w", r.Machine, err)
	}
	return nil
}

func (r *Report) mdSummary(b *strings.Builder) {
	fmt.Fprintf(b, "# Build report: %s\n\n", cell(r.Machine))
	var bytes int64
	for _, p := range r.Packages {
		bytes += p.Size
	}
	table(b, []string{"Field", "Value"}, [][]string{
		{"Machine", code(r.Machine)},
		{"Architecture", cell(r.Arch)},
		{"Plan digest", code(r.PlanDigest)},
		{"SOURCE_DATE_EPOCH", fmt.Sprintf("%d (%s)", r.SourceDateEpoch, rfc3339(r.SourceDateEpoch))},
		{"Tool", cell(r.Tool)},
		{"Packages", fmt.Sprintf("%d (%s)", len(r.Packages), size(bytes))},
		{"Scriptlets", outcomeCounts(r.Outcomes)},
		{"Outputs", strconv.Itoa(len(r.Outputs))},
		{"Paths in the root", strconv.Itoa(len(r.Files))},
	})
}

func (r *Report) mdRepos(b *strings.Builder) {
	heading(b, "Repositories")
	rows := [][]string{}
	for _, p := range r.Repos {
		rows = append(rows, []string{code(p.ID), code(p.RepomdSHA256)})
	}
	table(b, []string{"Repository", "repomd.xml sha256"}, rows)
}

func (r *Report) mdPackages(b *strings.Builder) {
	heading(b, "Packages")
	rows := [][]string{}
	for _, p := range r.Packages {
		rows = append(rows, []string{code(p.Name), code(p.EVR()), cell(p.Arch), code(p.Repo), size(p.Size), code(p.SHA256)})
	}
	table(b, []string{"Package", "Version", "Arch", "Repository", "Size", "sha256"}, rows)
}

func (r *Report) mdDisk(b *strings.Builder) {
	heading(b, "Disk")
	d := r.Disk
	if d == nil {
		b.WriteString("No disk image.\n\n")
		return
	}
	id := "GUID " + code(d.GUID)
	if d.Table == "mbr" {
		id = "disk signature " + code(d.DiskID)
	}
	fmt.Fprintf(b, "%s partition table, %s, %s.\n\n", strings.ToUpper(d.Table), size(d.Size), id)
	rows := [][]string{}
	for i, p := range d.Partitions {
		rows = append(rows, []string{strconv.Itoa(i + 1), code(p.Name), size(p.Start), size(p.Size),
			cell(p.Type), code(p.GUID), cell(p.Label), cell(p.FSType), code(p.FSUUID), code(p.Mount)})
	}
	table(b, []string{"#", "Name", "Start", "Size", "Type", "GUID", "Label", "Filesystem", "UUID", "Mount"}, rows)
}

func (r *Report) mdOutputs(b *strings.Builder) {
	heading(b, "Outputs")
	rows := [][]string{}
	for _, o := range r.Outputs {
		rows = append(rows, []string{cell(o.Format), code(o.Path), size(o.Size), code(o.SHA256)})
	}
	table(b, []string{"Format", "File", "Size", "sha256"}, rows)
}

func (r *Report) mdOutcomes(b *strings.Builder) {
	heading(b, "Scriptlets")
	rows := [][]string{}
	for _, o := range r.Outcomes {
		pkg := code(o.Package)
		if o.Package == "" {
			pkg = "(generator)"
		}
		rows = append(rows, []string{pkg, code(o.Name), cell(o.Status), strconv.Itoa(o.ExitCode), cell(o.Reason)})
	}
	table(b, []string{"Package", "Scriptlet", "Status", "Exit", "Reason"}, rows)
}

func (r *Report) mdProvenance(b *strings.Builder) {
	heading(b, "Provenance")
	fmt.Fprintf(b, "%d paths in the root; the JSON report lists every one (`files`).\n\n", len(r.Files))
	table(b, []string{"Source kind", "Paths", "Bytes"}, totalRows(r.SourceKinds))
	table(b, []string{"Source", "Paths", "Bytes"}, totalRows(r.Sources))
}

func totalRows(ts []SourceTotal) [][]string {
	rows := [][]string{}
	for _, t := range ts {
		rows = append(rows, []string{code(t.Source), strconv.Itoa(t.Files), size(t.Bytes)})
	}
	return rows
}

func outcomeCounts(outs []Outcome) string {
	n := map[string]int{}
	for _, o := range outs {
		n[o.Status]++
	}
	return fmt.Sprintf("%d ran, %d skipped, %d failed", n["ran"], n["skipped"], n["failed"])
}

func heading(b *strings.Builder, title string) {
	fmt.Fprintf(b, "## %s\n\n", title)
}

// table writes a Markdown table, or "None." when there are no rows.
func table(b *strings.Builder, header []string, rows [][]string) {
	if len(rows) == 0 {
		b.WriteString("None.\n\n")
		return
	}
	line := func(cells []string) { fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | ")) }
	line(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, r := range rows {
		line(r)
	}
	b.WriteString("\n")
}

// cell escapes s for a table cell: no line breaks, no bare '|'.
func cell(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	return strings.ReplaceAll(s, "|", `\|`)
}

// code renders s as a code span (empty stays empty); with a backtick in
// it, as plain escaped text.
func code(s string) string {
	if s == "" {
		return ""
	}
	if strings.Contains(s, "`") {
		return cell(s)
	}
	return "`" + cell(s) + "`"
}

// size renders bytes in binary units: exact when whole, else one decimal.
func size(n int64) string {
	units := []string{"TiB", "GiB", "MiB", "KiB"}
	for i, u := range units {
		unit := int64(1) << (10 * (len(units) - i))
		if n >= unit {
			if n%unit == 0 {
				return fmt.Sprintf("%d %s", n/unit, u)
			}
			return fmt.Sprintf("%.1f %s", float64(n)/float64(unit), u)
		}
	}
	return fmt.Sprintf("%d B", n)
}

func rfc3339(epoch int64) string {
	return time.Unix(epoch, 0).UTC().Format(time.RFC3339)
}
