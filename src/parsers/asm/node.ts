/**
 * The nodes of the GAS syntax tree: the shape of tree-sitter's Node (type, text, positions,
 * named children, fields, parent), built from offsets into the parsed text.
 */
import type { AsmNode, Point } from '../../model/source.js';

/** Row and column of an offset: binary search over the offsets where rows start. */
export class LineIndex {
  private readonly rowStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let offset = text.indexOf('\n'); offset !== -1; offset = text.indexOf('\n', offset + 1)) {
      this.rowStarts.push(offset + 1);
    }
  }

  get rowCount(): number {
    return this.rowStarts.length;
  }

  rowStart(row: number): number {
    return this.rowStarts[row] ?? this.text.length;
  }

  /** End of a row's text (the offset of its newline, or the end of the text). */
  rowEnd(row: number): number {
    const next = this.rowStarts[row + 1];
    return next === undefined ? this.text.length : next - 1;
  }

  rowOf(offset: number): number {
    let low = 0;
    let high = this.rowStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.rowStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  pointOf(offset: number): Point {
    const row = this.rowOf(offset);
    return { row, column: offset - this.rowStarts[row] };
  }
}

/** One node; `text` is the exact source text between `startIndex` and `endIndex`. */
export class AsmTreeNode implements AsmNode {
  readonly startPosition: Point;
  readonly endPosition: Point;
  namedChildren: AsmTreeNode[] = [];
  parent: AsmTreeNode | null = null;
  value?: number;
  private readonly fields = new Map<string, AsmTreeNode[]>();

  constructor(
    readonly type: string,
    private readonly lineIndex: LineIndex,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {
    this.startPosition = lineIndex.pointOf(startIndex);
    this.endPosition = lineIndex.pointOf(endIndex);
  }

  get text(): string {
    return this.lineIndex.text.slice(this.startIndex, this.endIndex);
  }

  /** Appends a named child, optionally under a field name (several children may share one). */
  append(child: AsmTreeNode, fieldName?: string): AsmTreeNode {
    child.parent = this;
    this.namedChildren.push(child);
    if (fieldName !== undefined) this.setField(fieldName, child);
    return child;
  }

  /** Names a node as a field without making it a direct child (it is a descendant). */
  setField(fieldName: string, node: AsmTreeNode): void {
    const list = this.fields.get(fieldName);
    if (list === undefined) this.fields.set(fieldName, [node]);
    else list.push(node);
  }

  childForFieldName(name: string): AsmTreeNode | null {
    return this.fields.get(name)?.[0] ?? null;
  }

  childrenForFieldName(name: string): AsmTreeNode[] {
    return this.fields.get(name) ?? [];
  }

  /** This node and every node below it, in document order, whose type is one of `types`. */
  descendantsOfType(types: string | readonly string[]): AsmTreeNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const found: AsmTreeNode[] = [];
    const stack: AsmTreeNode[] = [this];
    while (stack.length > 0) {
      const node = stack.pop() as AsmTreeNode;
      if (wanted.includes(node.type)) found.push(node);
      for (let index = node.namedChildren.length - 1; index >= 0; index--) stack.push(node.namedChildren[index]);
    }
    return found;
  }

  toString(): string {
    if (this.namedChildren.length === 0) return `(${this.type})`;
    return `(${this.type} ${this.namedChildren.map((child) => child.toString()).join(' ')})`;
  }
}

/** Makes nodes over one text. */
export class NodeFactory {
  constructor(readonly lineIndex: LineIndex) {}

  get text(): string {
    return this.lineIndex.text;
  }

  make(type: string, startIndex: number, endIndex: number): AsmTreeNode {
    return new AsmTreeNode(type, this.lineIndex, startIndex, endIndex);
  }
}
