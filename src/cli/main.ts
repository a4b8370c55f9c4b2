import { Command, InvalidArgumentError, Option } from 'commander';

// Each command's modules load when it runs: a flows run does not pay for the output writers.
const packetsCommand: typeof import('./packets.js').packetsCommand = async (...a) => (await import('./packets.js')).packetsCommand(...a);
const flowsCommand: typeof import('./flows.js').flowsCommand = async (...a) => (await import('./flows.js')).flowsCommand(...a);
const followCommand: typeof import('./follow.js').followCommand = async (...a) => (await import('./follow.js')).followCommand(...a);

const collect = (v: string, prev: string[]) => [...prev, v];
const threadsArg = (v: string): string => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a whole number of threads, 1 or more');
  return v;
};

/** Command-line entry: `pcapscope FILE` opens a capture, `pcapscope packets FILE` prints it as
 * tshark would. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command()
    .name('pcapscope')
    .description('Wireshark-style packet capture analyser for the terminal')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const packetOptions = (c: Command) =>
    c
      .option('-V, --verbose', 'print the detail tree of each packet')
      .option('-x, --hex', 'print a hex and ASCII dump of each packet')
      .option('-c, --count <n>', 'stop after n packets')
      .addOption(new Option('-T, --format <format>', 'output format').choices(['text', 'fields', 'json', 'jsonl']))
      .option('-e, --field <name>', 'field to print with -T fields (repeatable)', collect, [])
      .option('-E, --field-option <opt>', 'header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=C, quote=n|d|s', collect, [])
      .option('-Y, --filter <filter>', 'display filter in Wireshark syntax')
      .option('--threads <n>', 'decode a large capture in n worker threads, split by conversation (default: one per core, at most 4, from 256 MiB; a -Y on transport fields only from 4 cores)', threadsArg);

  packetOptions(
    program
      .command('packets')
      .description('print packets as tshark does (default: one line per packet)')
      .argument('<file>', "capture file (pcap, pcapng, gzipped) or '-' for standard input"),
  ).action(async (file: string, opts) => {
    code = await packetsCommand(file, opts);
  });

  program
    .command('flows')
    .description('one row per TCP and UDP conversation: state, packets and bytes each way, RTT, retransmissions')
    .argument('<file>', "capture file or '-' for standard input")
    .addOption(new Option('-T, --format <format>', 'output format').choices(['text', 'json', 'jsonl']))
    .option('-Y, --filter <filter>', 'count only packets matching this display filter')
    .option('-z, --stat <stat>', "tshark statistics: conv,tcp or conv,udp, optionally ',FILTER' (repeatable)", collect, [])
    .option('--tshark-conv', 'print exactly what tshark -q -z conv,tcp prints')
    .option('-d, --detail', 'after the table, what happened to each TCP connection')
    .option('--threads <n>', 'decode a large capture in n worker threads, split by conversation (default: one per core, at most 4, from 256 MiB and 4 cores; below 4 cores, from 64 MiB, the TCP analysis and the flow table run in one worker beside the decoding; 1: one thread)', threadsArg)
    .action(async (file: string, opts) => {
      // a two-thread run's worker starts before the decoders load (engine/flows-pipe.ts)
      const pipe = await import('../engine/flows-pipe.js');
      const job = pipe.pipeJob(file, opts);
      code = await flowsCommand(file, opts, undefined, job ? new pipe.FlowsWorker(job) : undefined);
    });

  program
    .command('follow')
    .description('the reassembled conversation of one TCP stream, as tshark -z follow,tcp prints it')
    .argument('<file>', "capture file or '-' for standard input")
    .argument('<stream>', 'tcp.stream index (see pcapscope flows)')
    .addOption(new Option('--format <format>', 'ascii (default), hex, raw, yaml or text').choices(['ascii', 'hex', 'raw', 'yaml', 'text']))
    .action(async (file: string, stream: string, opts) => {
      code = await followCommand(file, stream, opts);
    });

  packetOptions(
    program
      .argument('[file]', 'capture file to open')
      .action(async (file: string | undefined, opts) => {
        if (!file) {
          program.outputHelp();
          return;
        }
        code = await packetsCommand(file, opts);
      }),
  );

  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { code?: string; exitCode?: number };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    if (err.exitCode !== undefined) return err.exitCode === 0 ? 0 : 1;
    throw e;
  }
  return code;
}
