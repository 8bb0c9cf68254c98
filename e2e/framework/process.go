package framework

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// StopTimeout is how long Stop waits after SIGTERM before sending SIGKILL.
const StopTimeout = 10 * time.Second

// Process is a binary under test running as a separate OS process in its own
// process group, with stdout and stderr appended to a log file.
type Process struct {
	Name    string
	LogPath string
	Bin     string
	Args    []string

	ctx  context.Context
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	err  error         // cmd.Wait's result, set before done is closed

	supervised bool // restart after an exit that Stop did not ask for
	stopping   bool // Stop is in progress or done
	run        int  // counts starts; a supervisor restarts only its own run
}

// Supervise makes the process restart, a second after it exits on its own
// (a crash, a SIGKILL, a lost leader election), as the kubelet restarts a
// container. Stop ends the supervision.
func (p *Process) Supervise() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.supervised = true
}

// StartProcess starts bin with args. When ctx ends the process group gets
// SIGTERM (and SIGKILL StopTimeout later), as with Stop.
func StartProcess(ctx context.Context, name, logPath, bin string, args ...string) (*Process, error) {
	p := &Process{Name: name, LogPath: logPath, Bin: bin, Args: args, ctx: ctx}
	if err := p.start(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Process) start() error {
	log, err := os.OpenFile(p.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("%s: opening log: %w", p.Name, err)
	}
	fmt.Fprintf(log, "=== %s: starting %s %s\n", time.Now().Format(time.RFC3339), p.Bin, strings.Join(p.Args, " "))

	cmd := exec.CommandContext(p.ctx, p.Bin, p.Args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return signalGroup(cmd, syscall.SIGTERM) }
	cmd.WaitDelay = StopTimeout
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return fmt.Errorf("%s: starting %s: %w", p.Name, p.Bin, err)
	}

	done := make(chan struct{})
	p.mu.Lock()
	p.cmd, p.done, p.err = cmd, done, nil
	p.stopping = false
	p.run++
	run := p.run
	p.mu.Unlock()
	go func() {
		err := cmd.Wait()
		if cmd.ProcessState != nil && cmd.ProcessState.Success() {
			err = nil // Wait reports ctx.Err() after a ctx-triggered SIGTERM even on exit 0
		}
		fmt.Fprintf(log, "=== %s: exited: %v\n", time.Now().Format(time.RFC3339), cmd.ProcessState)
		_ = log.Close()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(done)
		p.superviseExit(run)
	}()
	return nil
}

// superviseExit restarts a supervised process whose run ended on its own.
func (p *Process) superviseExit(run int) {
	time.Sleep(time.Second)
	p.mu.Lock()
	restart := p.supervised && !p.stopping && p.run == run && p.ctx.Err() == nil
	p.mu.Unlock()
	if restart {
		_ = p.start() // a failed start is in the log
	}
}

func (p *Process) current() (*exec.Cmd, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd, p.done
}

// Pid returns the process id of the current run.
func (p *Process) Pid() int {
	cmd, _ := p.current()
	return cmd.Process.Pid
}

// Exited reports whether the current run has ended.
func (p *Process) Exited() bool {
	_, done := p.current()
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// Wait waits for the current run to exit and returns its exit error (nil
// for exit status 0).
func (p *Process) Wait() error {
	_, done := p.current()
	<-done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Running returns the pid of the current run and whether it is running.
func (p *Process) Running() (int, bool) {
	return p.Pid(), !p.Exited()
}

// KillRun sends SIGKILL to the process group of run pid and waits for it to
// exit, only if that run is the current one and still running: a kill of a
// process that already died, or of its successor, is no kill. It reports
// whether it killed.
func (p *Process) KillRun(pid int) (bool, error) {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd.Process.Pid != pid {
		return false, nil
	}
	select {
	case <-done:
		return false, nil
	default:
	}
	if err := signalGroup(cmd, syscall.SIGKILL); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return false, nil
		}
		return false, fmt.Errorf("%s: %w", p.Name, err)
	}
	<-done
	// Dead before the signal (a zombie not yet reaped) is no kill.
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL, nil
}

// Kill sends SIGKILL to the process group and waits for the process to exit.
func (p *Process) Kill() error {
	cmd, done := p.current()
	if err := signalGroup(cmd, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("%s: %w", p.Name, err)
	}
	<-done
	return nil
}

// Stop sends SIGTERM to the process group and waits for the process to exit;
// after StopTimeout it sends SIGKILL and reports an error. It also reports a
// non-zero exit status. Stopping an exited process returns its exit error.
func (p *Process) Stop() error {
	p.mu.Lock()
	p.stopping = true
	p.mu.Unlock()
	cmd, done := p.current()
	select {
	case <-done:
		return p.Wait()
	default:
	}
	if err := signalGroup(cmd, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("%s: %w", p.Name, err)
	}
	select {
	case <-done:
		if err := p.Wait(); err != nil {
			return fmt.Errorf("%s: unclean exit after SIGTERM: %w (log: %s)", p.Name, err, p.LogPath)
		}
		return nil
	case <-time.After(StopTimeout):
		_ = p.Kill()
		return fmt.Errorf("%s: still running %s after SIGTERM, killed (log: %s)", p.Name, StopTimeout, p.LogPath)
	}
}

// Restart stops the process if it is running (as Stop does; how the previous
// run ended is in the log) and starts it again with the same arguments,
// appending to the same log.
func (p *Process) Restart() error {
	_ = p.Stop()
	return p.start()
}

func signalGroup(cmd *exec.Cmd, sig syscall.Signal) error {
	return syscall.Kill(-cmd.Process.Pid, sig)
}
