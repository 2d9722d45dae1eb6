package main

import (
	"fmt"
	"os"

	"github.com/alongside/alongside/matcher"
)

// readPolicy reads the matching policy file named by the -policy flag;
// "" is the built-in policy (matcher.DefaultPolicy).
func readPolicy(path string) (*matcher.PolicySet, error) {
	if path == "" {
		return matcher.DefaultPolicy(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read -%s: %w", flagPolicy, err)
	}
	ps, err := matcher.ParsePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("-%s %s: %w", flagPolicy, path, err)
	}
	return ps, nil
}
