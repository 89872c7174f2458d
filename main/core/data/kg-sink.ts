/**
 * Collects KG statements read from one or more files: entity-to-entity triples, entity names
 * from label literals, and the literal statements that were left out (counted per file for the
 * import report).
 */
import { ReportBuilder } from './report';

export const RDFS_LABEL_IRI = 'http://www.w3.org/2000/01/rdf-schema#label';
export const FOAF_NAME = 'http://xmlns.com/foaf/0.1/name';
export const SKOS_PREF_LABEL = 'http://www.w3.org/2004/02/skos/core#prefLabel';
export const SCHEMA_NAME = ['http://schema.org/name', 'https://schema.org/name'];

/** Predicates whose literal object names the subject. */
export const NAME_PREDICATES: ReadonlySet<string> = new Set([RDFS_LABEL_IRI, FOAF_NAME, SKOS_PREF_LABEL, ...SCHEMA_NAME]);

/** True for an English or untagged literal (preferred as a name). */
export function preferredLanguage(lang: string | undefined): boolean {
  if (lang === undefined || lang === '') return true;
  const l = lang.toLowerCase();
  return l === 'en' || l.startsWith('en-');
}

export class KgSink {
  readonly head: string[] = [];
  readonly relation: string[] = [];
  readonly tail: string[] = [];
  readonly lines: number[] = [];
  readonly names = new Map<string, string>();
  private readonly preferred = new Set<string>();

  constructor(readonly report: ReportBuilder) {}

  get size(): number {
    return this.head.length;
  }

  triple(head: string, relation: string, tail: string, line: number): void {
    this.head.push(head);
    this.relation.push(relation);
    this.tail.push(tail);
    this.lines.push(line);
  }

  /**
   * A statement with a literal object: a name predicate names the subject (an English or
   * untagged label wins over another language; the first one read otherwise); any other literal
   * is skipped and reported ('literal-skipped').
   */
  literal(subject: string, predicate: string, value: string, lang: string | undefined, file: string, line: number): void {
    if (!NAME_PREDICATES.has(predicate)) {
      this.report.warn('literal-skipped', file, line);
      return;
    }
    const good = preferredLanguage(lang);
    if (!this.names.has(subject) || (good && !this.preferred.has(subject))) {
      this.names.set(subject, value);
      if (good) this.preferred.add(subject);
    }
  }
}
