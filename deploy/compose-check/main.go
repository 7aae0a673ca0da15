// Loads a compose file the way `docker compose config` does (compose-go: the compose-spec
// JSON schema, interpolation, merge keys, references), with every profile enabled, and prints
// the resolved project as JSON. Usage: compose-check <compose file> <env file>
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <compose file> <env file>")
		os.Exit(2)
	}
	opts, err := cli.NewProjectOptions(
		[]string{os.Args[1]},
		cli.WithEnvFiles(os.Args[2]),
		cli.WithDotEnv,
		cli.WithProfiles([]string{"*"}),
	)
	if err == nil {
		var out []byte
		project, loadErr := opts.LoadProject(context.Background())
		if err = loadErr; err == nil {
			if out, err = project.MarshalJSON(); err == nil {
				_, err = os.Stdout.Write(out)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
