import { ConversationTable } from '../../src/analysis/conversations.js';
import { decodeCapture, type DecodeOptions } from '../../src/engine/decode.js';
import { flowJson } from '../../src/report/flows-text.js';

/** Every flow of a capture as text: each TCP connection's full summary, then the UDP rows
 * (decoded transport-only, as `flows` does, with the read/recycle options given). */
export async function flowTableText(file: string, o: Pick<DecodeOptions, 'read' | 'recycle'>): Promise<string> {
  const lines: string[] = [];
  const table = new ConversationTable({ onSummary: (row, s) => void lines.push(JSON.stringify(flowJson(row, s))) });
  await decodeCapture(file, { columns: false, tree: 'none', transportOnly: true, ...o }, (d) => table.add(d.packet));
  table.finish();
  for (const i of table.indexes('udp', 'stream')) lines.push(JSON.stringify(table.row(i)));
  return lines.join('\n');
}
