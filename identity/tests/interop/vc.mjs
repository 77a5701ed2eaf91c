// An independent implementation of VC-JWT and VP-JWT (VC Data Model 1.1, JWT encoding): did-jwt-vc, on did-jwt and
// did-resolver. identity/tests/interop.rs runs it against ldt-identity, both ways.
//
//   node vc.mjs make --audience <DID> [--alg ES256|EdDSA] [--lifetime <seconds>]
//     Two new key pairs, an issuer's and a holder's, each known by its did:jwk. The issuer issues a
//     MembershipCredential about the holder (createVerifiableCredentialJwt); the holder presents it to the audience
//     (createVerifiablePresentationJwt). Prints {"issuer", "holder", "credential", "presentation"} as JSON.
//
//   node vc.mjs verify --audience <DID> [--vp <VP-JWT>]
//     Verifies a presentation (the VP-JWT from --vp, or else from stdin) with verifyPresentation, for the audience,
//     and each credential in it with verifyCredential. Exits 0 and prints {"holder", "credentials": [{"issuer",
//     "subject", "type"}]} only when all verify; exits 1 and prints the reason to stderr otherwise.
//
// Only did:jwk is resolved (did:jwk method specification, https://github.com/quartzjer/did-jwk): the DID is the key,
// so the resolver below just unwraps it. Every check on signatures, keys, dates and audience is did-jwt-vc's.

import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

import { ES256Signer, EdDSASigner } from 'did-jwt'
import {
  createVerifiableCredentialJwt,
  createVerifiablePresentationJwt,
  verifyCredential,
  verifyPresentation,
} from 'did-jwt-vc'
import { Resolver } from 'did-resolver'

const CREDENTIALS_V1 = 'https://www.w3.org/2018/credentials/v1'

// -- did:jwk -----------------------------------------------------------------------------------------------------------

const didJwk = (publicJwk) => `did:jwk:${Buffer.from(JSON.stringify(publicJwk)).toString('base64url')}`

/** A did-resolver method resolver for did:jwk: the document is made from the key the DID holds. */
function resolveDidJwk(did, parsed) {
  const failure = (message) => ({
    didResolutionMetadata: { error: 'invalidDid', message },
    didDocument: null,
    didDocumentMetadata: {},
  })
  let jwk
  try {
    jwk = JSON.parse(Buffer.from(parsed.id, 'base64url').toString('utf8'))
  } catch (error) {
    return failure(`the method-specific id is not a base64url JSON JWK: ${error.message}`)
  }
  if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string') {
    return failure('the JWK has no `kty`')
  }
  if (jwk.d !== undefined) {
    return failure('the JWK holds a private key')
  }
  const id = `${parsed.did}#0`
  const signing = jwk.use !== 'enc'
  const encrypting = jwk.use !== 'sig'
  return {
    didResolutionMetadata: { contentType: 'application/did+ld+json' },
    didDocument: {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: parsed.did,
      verificationMethod: [{ id, type: 'JsonWebKey2020', controller: parsed.did, publicKeyJwk: jwk }],
      ...(signing && {
        assertionMethod: [id],
        authentication: [id],
        capabilityInvocation: [id],
        capabilityDelegation: [id],
      }),
      ...(encrypting && { keyAgreement: [id] }),
    },
    didDocumentMetadata: {},
  }
}

const resolver = new Resolver({ jwk: async (did, parsed) => resolveDidJwk(did, parsed) })

// -- make --------------------------------------------------------------------------------------------------------------

/** A new key pair of `alg`: its did:jwk and a did-jwt signer. */
function newParty(alg) {
  const { privateKey } =
    alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const { d, ...publicJwk } = privateKey.export({ format: 'jwk' })
  const secret = Buffer.from(d, 'base64url')
  const signer = alg === 'EdDSA' ? EdDSASigner(secret) : ES256Signer(secret)
  const did = didJwk(publicJwk)
  // did-jwt puts no `kid` in the header unless told; with it, verifiers find the key by its DID URL.
  return { did, signer, alg, kid: `${did}#0` }
}

async function make({ audience, alg = 'ES256', lifetime = '300' }) {
  if (!audience) throw new Error('make: --audience is required')
  if (alg !== 'ES256' && alg !== 'EdDSA') throw new Error(`make: --alg is ES256 or EdDSA, not ${alg}`)
  const issuer = newParty(alg)
  const holder = newParty(alg)
  const now = new Date()
  const inAYear = new Date(now.getTime() + 365 * 24 * 3600 * 1000)
  const seconds = (date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')
  // The W3C form: did-jwt-vc moves `id`, `issuer`, `issuanceDate`, `expirationDate` and the subject's `id` to `jti`,
  // `iss`, `nbf`, `exp` and `sub` (VC Data Model 1.1 §6.3.1), removing them from `vc`.
  const credential = await createVerifiableCredentialJwt(
    {
      '@context': [CREDENTIALS_V1],
      id: `urn:uuid:${randomUUID()}`,
      type: ['VerifiableCredential', 'MembershipCredential'],
      issuer: issuer.did,
      issuanceDate: seconds(now),
      expirationDate: seconds(inAYear),
      credentialSubject: { id: holder.did, membership: { status: 'active', since: '2024-01-01' } },
    },
    { did: issuer.did, signer: issuer.signer, alg: issuer.alg },
    { header: { kid: issuer.kid } },
  )
  const presentation = await createVerifiablePresentationJwt(
    {
      '@context': [CREDENTIALS_V1],
      type: ['VerifiablePresentation'],
      holder: holder.did,
      verifiableCredential: [credential],
    },
    { did: holder.did, signer: holder.signer, alg: holder.alg },
    // `domain` becomes `aud`; `expiresIn` gives an `exp` (did-jwt sets none otherwise).
    { domain: audience, expiresIn: Number(lifetime), header: { kid: holder.kid } },
  )
  return { issuer: issuer.did, holder: holder.did, credential, presentation }
}

// -- verify ------------------------------------------------------------------------------------------------------------

async function verify({ audience, vp }) {
  if (!audience) throw new Error('verify: --audience is required')
  const jwt = (vp ?? readFileSync(0, 'utf8')).trim()
  const presented = await verifyPresentation(jwt, resolver, { domain: audience, proofPurpose: 'authentication' })
  const credentials = []
  for (const entry of [presented.payload.vp?.verifiableCredential ?? []].flat()) {
    if (typeof entry !== 'string') throw new Error('a credential of the presentation is not a VC-JWT')
    const verified = await verifyCredential(entry, resolver, { proofPurpose: 'assertionMethod' })
    const { issuer, credentialSubject, type } = verified.verifiableCredential
    credentials.push({ issuer: issuer.id, subject: credentialSubject, type })
  }
  return { holder: presented.verifiablePresentation.holder, credentials }
}

// -- main --------------------------------------------------------------------------------------------------------------

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    audience: { type: 'string' },
    alg: { type: 'string' },
    lifetime: { type: 'string' },
    vp: { type: 'string' },
  },
})
const commands = { make, verify }
const command = commands[positionals[0]]
if (!command || positionals.length !== 1) {
  process.stderr.write('usage: node vc.mjs make --audience <DID> [--alg ES256|EdDSA] [--lifetime <s>]\n')
  process.stderr.write('       node vc.mjs verify --audience <DID> [--vp <VP-JWT>]   (else the VP-JWT on stdin)\n')
  process.exit(2)
}
try {
  process.stdout.write(`${JSON.stringify(await command(values))}\n`)
} catch (error) {
  process.stderr.write(`${positionals[0]} failed: ${error.message}\n`)
  process.exit(1)
}
