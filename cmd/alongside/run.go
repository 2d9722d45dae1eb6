package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
)

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"serve", "serve the Connect API", runServe},
	{"match", "match open cases to partners in one batch, from files", runMatch},
	{"plan", "plan the partners' day, from files", runPlan},
}

// config is a subcommand's configuration: flags bound to its fields, and a
// check of their values.
type config interface {
	bind(fs *flag.FlagSet)
	validate() error
}

// parseConfig parses the subcommand name's args (flags, then ALONGSIDE_*
// from the environment) into cfg and validates it; -h prints usage and
// about with the flags.
func parseConfig(cfg config, name, usage, about string, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("alongside "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: alongside %s %s\n\n%s\n", name, usage, about)
		fs.PrintDefaults()
	}
	cfg.bind(fs)
	if err := parseWithEnv(fs, args, os.LookupEnv); err != nil {
		return err
	}
	return cfg.validate()
}

// run dispatches args to a subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		return flag.ErrHelp
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: alongside <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}
