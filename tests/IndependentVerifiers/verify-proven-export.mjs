// An independent verifier of AuditGen's proven exports, written from docs/proofs.md and the specifications it cites
// (RFC 9162, c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature, tlog-proof), in another language, on Node's own
// crypto only: it shares no code with AuditGen. Usage:
//   node verify-proven-export.mjs EXPORT LOG_VERIFIER_KEY [--witness WITNESS_VERIFIER_KEY]... [--previous OLDER_EXPORT]
// Prints "verified N records" and exits 0, or prints the problem and exits 1.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts.map((p) => Buffer.from(p)))).digest();
const leafHash = (bytes) => sha256([0], bytes);
const nodeHash = (left, right) => sha256([1], left, right);

// RFC 9162, 2.1.3.2: verifying an inclusion proof.
function rootFromInclusion(index, size, leaf, proof) {
  if (index >= size) return null;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// RFC 9162, 2.1.4.2: verifying a consistency proof.
function consistent(first, second, firstRoot, secondRoot, proof) {
  if (first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  let path = proof;
  if ((first & (first - 1)) === 0) path = [firstRoot, ...proof];
  let fn = first - 1, sn = second - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

// A verifier key: name+hex(key id)+base64(type || Ed25519 public key); the key id is the first 4 bytes of
// SHA-256(name || 0x0A || type || key).
function parseKey(text, type) {
  // The name has no '+'; the base64 may.
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  const [name, id, encoded] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  const raw = Buffer.from(encoded, 'base64');
  if (raw.length !== 33 || raw[0] !== type) throw new Error(`not a key of type ${type}: ${text}`);
  const keyId = sha256(Buffer.from(name + '\n'), raw).subarray(0, 4);
  if (keyId.toString('hex') !== id) throw new Error(`key id does not match: ${text}`);
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw.subarray(1)]);
  return { name, keyId, key: createPublicKey({ key: der, format: 'der', type: 'spki' }) };
}

function parseCheckpoint(text) {
  const lines = text.split('\n');
  if (lines.pop() !== '' || lines.length < 3) throw new Error('not a checkpoint');
  return { origin: lines[0], size: Number(lines[1]), root: Buffer.from(lines[2], 'base64'), extensions: lines.slice(3) };
}

function signatureLines(note) {
  const split = note.indexOf('\n\n');
  return { text: note.slice(0, split + 1), lines: note.slice(split + 2).split('\n').filter((l) => l.length > 0) };
}

function signedBy(note, log) {
  const { text, lines } = signatureLines(note);
  return lines.some((line) => {
    const [dash, name, sig] = line.split(' ');
    if (dash !== '\u2014' || name !== log.name) return false;
    const raw = Buffer.from(sig, 'base64');
    return raw.length === 68 && raw.subarray(0, 4).equals(log.keyId) && verify(null, Buffer.from(text), log.key, raw.subarray(4));
  });
}

function cosignedBy(note, witness) {
  const { text, lines } = signatureLines(note);
  return lines.some((line) => {
    const [dash, name, sig] = line.split(' ');
    if (dash !== '\u2014' || name !== witness.name) return false;
    const raw = Buffer.from(sig, 'base64');
    if (raw.length !== 76 || !raw.subarray(0, 4).equals(witness.keyId)) return false;
    const time = raw.readBigUInt64BE(4);
    return verify(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`), witness.key, raw.subarray(12));
  });
}

function encodeLeaf(record, organization) {
  const str = (s) => { const b = Buffer.from(s, 'utf8'); const n = Buffer.alloc(4); n.writeUInt32BE(b.length); return Buffer.concat([n, b]); };
  const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(v)); return b; };
  return Buffer.concat([
    Buffer.from('auditgen/leaf/v1\n'), u64(record.stored_at), u64(record.index),
    str(record.event_id), str(organization), str(record.action), str(record.event_json),
    str(record.adjustments), str(record.rejection ?? ''),
  ]);
}

function check(path, log, witnesses) {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  const header = JSON.parse(lines[0]);
  if (header.format !== 'auditgen/proven-export/v1') throw new Error('not a proven export');
  const proofLines = header.checkpoint_proof.split('\n');
  if (proofLines[0] !== 'c2sp.org/tlog-proof@v1') throw new Error('not a tlog-proof');
  let at = 1;
  if (proofLines[at].startsWith('extra ')) at++;
  const topIndex = Number(proofLines[at++].slice('index '.length));
  const topProof = [];
  while (proofLines[at] !== '') topProof.push(Buffer.from(proofLines[at++], 'base64'));
  const note = proofLines.slice(at + 1).join('\n');
  if (!signedBy(note, log)) throw new Error('the log checkpoint is not signed by the log key');
  for (const witness of witnesses) if (!cosignedBy(note, witness)) throw new Error(`not cosigned by ${witness.name}`);
  const top = parseCheckpoint(signatureLines(note).text);
  if (top.origin !== log.name) throw new Error('the checkpoint is of another log');
  const root = rootFromInclusion(topIndex, top.size, leafHash(Buffer.from(header.checkpoint)), topProof);
  if (!root || !root.equals(top.root)) throw new Error('the organization checkpoint is not in the log checkpoint');
  const org = parseCheckpoint(header.checkpoint);
  const hashed = createHash('sha256').update(header.organization_id).digest('base64url');
  if (org.origin !== `${top.origin}/p/${hashed}`) throw new Error('the organization checkpoint is of another organization');
  const purgedLine = org.extensions.find((e) => e.startsWith('purged '));
  const purged = purgedLine ? Number(purgedLine.slice(7)) : 0;
  let expected = purged;
  for (const line of lines.slice(1)) {
    const record = JSON.parse(line);
    if (record.index < expected || (header.complete && record.index !== expected)) throw new Error(`record ${expected} is missing or out of order`);
    const proof = record.proof.map((h) => Buffer.from(h, 'base64'));
    const recordRoot = rootFromInclusion(record.index, org.size, leafHash(encodeLeaf(record, header.organization_id)), proof);
    if (!recordRoot || !recordRoot.equals(org.root)) throw new Error(`record ${record.index} does not match its proof`);
    expected = record.index + 1;
  }

  if (header.complete && expected !== org.size) throw new Error(`records from ${expected} are missing`);
  return { header, org, records: lines.length - 1 };
}

const [file, logKey, ...rest] = process.argv.slice(2);
try {
  const log = parseKey(logKey, 0x01);
  const witnesses = [];
  let previous = null;
  for (let i = 0; i < rest.length; i += 2) {
    if (rest[i] === '--witness') witnesses.push(parseKey(rest[i + 1], 0x04));
    else if (rest[i] === '--previous') previous = rest[i + 1];
  }

  const current = check(file, log, witnesses);
  if (previous) {
    const older = check(previous, log, []);
    const proof = (current.header.consistency?.proof ?? []).map((h) => Buffer.from(h, 'base64'));
    if (older.org.origin !== current.org.origin || current.header.consistency?.from_size !== older.org.size
        || !consistent(older.org.size, current.org.size, older.org.root, current.org.root, proof)) {
      throw new Error('the export does not extend the older one');
    }
  }

  console.log(`verified ${current.records} records`);
} catch (error) {
  console.log(error.message);
  process.exit(1);
}
