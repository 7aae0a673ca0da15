// Command analyst-commits reads the TeamPulse log (stream GITHUB) from a point in time,
// then follows it live, and prints per-developer commit counts.
//
// Credentials and server come from the environment, never from flags:
//
//	NATS_URL   server URL(s), comma-separated (default nats://127.0.0.1:4222)
//	NATS_CREDS path to a .creds file (e.g. from `teampulse nats-creds --role analyst`)
//
// Flags:
//
//	--since      ISO time (2026-01-02T15:04:05Z) or duration (24h); default: all history
//	--subject    subject filter (default github.push.>)
//	--until-end  stop once the history present at start is read, instead of following
//	--max-msgs   stop after this many messages (0 = no limit)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

const (
	stream     = "GITHUB"
	bodyBucket = "github-bodies"
	bodyRefHdr = "TeamPulse-Body-Ref"
)

// push is the part of a GitHub push payload the counts need.
type push struct {
	Repository struct {
		ID json.Number `json:"id"`
	} `json:"repository"`
	Commits []struct {
		ID     string `json:"id"`
		Author struct {
			Username string `json:"username"`
			Email    string `json:"email"`
		} `json:"author"`
	} `json:"commits"`
}

// developerID follows TeamPulse's identity rule: the GitHub username, else email:<lower-cased email>.
func developerID(username, email string) string {
	if username != "" {
		return username
	}
	return "email:" + strings.ToLower(email)
}

// counter counts distinct (repository id, sha) per developer, so a redelivered push counts once.
type counter struct {
	seen   map[string]bool
	perDev map[string]int
}

func (c *counter) add(p push) int {
	added := 0
	for _, commit := range p.Commits {
		key := p.Repository.ID.String() + "/" + commit.ID
		if c.seen[key] {
			continue
		}
		c.seen[key] = true
		c.perDev[developerID(commit.Author.Username, commit.Author.Email)]++
		added++
	}
	return added
}

func (c *counter) String() string {
	devs := make([]string, 0, len(c.perDev))
	for d := range c.perDev {
		devs = append(devs, d)
	}
	sort.Strings(devs)
	parts := make([]string, len(devs))
	for i, d := range devs {
		parts[i] = fmt.Sprintf("%s=%d", d, c.perDev[d])
	}
	return "totals: " + strings.Join(parts, " ")
}

func parseSince(s string) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

func main() {
	since := flag.String("since", os.Getenv("SINCE"), "ISO time or duration (e.g. 24h); default: all history")
	subject := flag.String("subject", "github.push.>", "subject filter")
	untilEnd := flag.Bool("until-end", false, "stop at the end of the history present at start")
	maxMsgs := flag.Int("max-msgs", 0, "stop after this many messages (0: no limit)")
	flag.Parse()
	if err := run(*since, *subject, *untilEnd, *maxMsgs); err != nil {
		fmt.Fprintln(os.Stderr, "analyst-commits:", err)
		os.Exit(1)
	}
}

// asyncError reports the server's asynchronous errors, but one: after reading a large
// body the object store deletes its reading consumer, which analyst credentials may not
// do (they may delete nothing); the server drops that idle consumer by itself.
func asyncError(_ *nats.Conn, _ *nats.Subscription, err error) {
	if errors.Is(err, nats.ErrPermissionViolation) && strings.Contains(err.Error(), ".CONSUMER.DELETE.OBJ_") {
		return
	}
	fmt.Fprintln(os.Stderr, "analyst-commits:", err)
}

func run(since, subject string, untilEnd bool, maxMsgs int) error {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}
	opts := []nats.Option{nats.Name("analyst-commits-go"), nats.ErrorHandler(asyncError)}
	if creds := os.Getenv("NATS_CREDS"); creds != "" {
		opts = append(opts, nats.UserCredentials(creds))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return fmt.Errorf("connect %s: %w", url, err)
	}
	defer nc.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}

	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}}
	if since != "" {
		start, err := parseSince(since)
		if err != nil {
			return fmt.Errorf("--since: expected an ISO time or a duration like 24h, got %q", since)
		}
		cfg.DeliverPolicy = jetstream.DeliverByStartTimePolicy
		cfg.OptStartTime = &start
	}
	// The end of history is the stream's last sequence now; what comes after is live.
	info, err := js.Stream(ctx, stream)
	if err != nil {
		return fmt.Errorf("stream %s: %w", stream, err)
	}
	endSeq := info.CachedInfo().State.LastSeq
	cons, err := js.OrderedConsumer(ctx, stream, cfg)
	if err != nil {
		return fmt.Errorf("consumer on %s: %w", subject, err)
	}

	counts := &counter{seen: map[string]bool{}, perDev: map[string]int{}}
	var bodies jetstream.ObjectStore // opened on the first large body
	caughtUp := false
	announce := func(seq uint64) {
		caughtUp = true
		fmt.Printf("caught up at seq %d; %s\n", seq, counts)
	}
	if endSeq == 0 || cons.CachedInfo().NumPending == 0 {
		announce(endSeq)
		if untilEnd {
			return nil
		}
	}
	msgs, err := cons.Messages()
	if err != nil {
		return err
	}
	defer msgs.Stop()
	go func() { <-ctx.Done(); msgs.Stop() }()

	for n := 1; ; n++ {
		msg, err := msgs.Next()
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			return err
		}
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		body := msg.Data()
		if ref := msg.Headers().Get(bodyRefHdr); ref != "" {
			if bodies == nil {
				if bodies, err = js.ObjectStore(ctx, bodyBucket); err != nil {
					return fmt.Errorf("object store %s: %w", bodyBucket, err)
				}
			}
			if body, err = bodies.GetBytes(ctx, ref); err != nil {
				return fmt.Errorf("body %s: %w", ref, err)
			}
		}
		var p push
		if err := json.Unmarshal(body, &p); err != nil {
			fmt.Fprintf(os.Stderr, "seq %d: not a JSON push (%v); skipped\n", meta.Sequence.Stream, err)
			continue
		}
		added := counts.add(p)
		fmt.Printf("seq %d %s delivery=%s commits=%d new=%d\n", meta.Sequence.Stream, msg.Subject(),
			msg.Headers().Get("Nats-Msg-Id"), len(p.Commits), added)
		if caughtUp {
			fmt.Println(counts)
		} else if meta.Sequence.Stream >= endSeq || meta.NumPending == 0 {
			announce(meta.Sequence.Stream)
			if untilEnd {
				return nil
			}
		}
		if maxMsgs > 0 && n >= maxMsgs {
			return nil
		}
	}
}
