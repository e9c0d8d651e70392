/** Types for the snapshot serializer (plain JS because jest.config.js loads it without a transform). */
declare const serializer: {
  readonly MASK: string;
  test(value: unknown): boolean;
  serialize(
    value: string,
    config: unknown,
    indentation: string,
    depth: number,
    refs: unknown[],
    printer: (value: unknown, config: unknown, indentation: string, depth: number, refs: unknown[]) => string,
  ): string;
};
export = serializer;
