// The part of dcmjs (no types of its own) that dicom.ts uses: reading a DICOM Part 10 file into a
// naturalized dataset, and (tests) writing one.
declare module 'dcmjs' {
  interface DicomDict { dict: Record<string, unknown>; meta: Record<string, unknown>; write(): ArrayBuffer }
  const dcmjs: {
    data: {
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: { untilTag?: string; includeUntilTagValue?: boolean }): DicomDict };
      DicomMetaDictionary: { naturalizeDataset(dict: Record<string, unknown>): Record<string, unknown> };
      datasetToDict(dataset: Record<string, unknown>): DicomDict;
    };
  };
  export default dcmjs;
}
