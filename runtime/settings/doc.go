// Package settings reads discographer configuration files
// (/etc/discographer/configuration, ~/.discographer) without executing
// them.
//
// discographer sourced these files with bash. disco reads them as a list of
// shell assignments and evaluates only the part of the shell language that
// assignments use:
//
//   - name=value, several per line, with an optional "export " prefix
//     ("export name" alone is accepted and changes nothing);
//   - single quotes (literal), double quotes (with \" \\ \$ \` and
//     backslash-newline escapes, and $name / ${name} expansion);
//   - unquoted values with backslash escapes, $name / ${name} references and
//     a leading ~ (or ~ after ':') meaning $HOME, as bash does in assignments;
//   - '#' comments, blank lines and backslash-newline continuations.
//
// A reference must name a variable assigned earlier in the same or an earlier
// file, or one the caller's environment function provides. Anything else
// (commands, $(...) and backticks, pipes, ';', redirections, arrays,
// ${name:-default} and other parameter operators, special parameters) is an
// error "FILE:LINE: message". Values match what bash would have assigned
// (the tests compare with bash).
//
// Entry points: Load and LoadEnv read files in order; Parse reads one file's
// bytes.
//
// The lexer is hand-written rather than taken from a shell parser such as
// mvdan.cc/sh: the language accepted is a small subset, and a full parser's
// syntax tree would have to be walked to refuse everything else, with
// messages that would not say what is allowed.
package settings
