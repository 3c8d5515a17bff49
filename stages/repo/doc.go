// Package repo reads RPM repositories: yum/dnf .repo configuration and
// rpm-md metadata (repomd.xml, primary.xml, filelists.xml).
package repo
