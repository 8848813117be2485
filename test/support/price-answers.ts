/**
 * Answers written from the APIs' documented formats, for the fake price server.
 * ENTSO-E: Publication_MarketDocument (IEC 62325-451-3) with TimeSeries/Period/Point, or an
 * Acknowledgement_MarketDocument with a Reason. Energy-Charts: {unix_seconds, price, unit}.
 */
export interface SeriesSpec {
  /** ISO start/end of the Period, e.g. '2025-10-05T22:00Z' */
  start: string;
  end: string;
  resolution: 'PT15M' | 'PT60M';
  curveType?: 'A01' | 'A03';
  /** [position, price] as they should appear */
  points: [number, number][];
  contractType?: string;
}

export function publicationXml(series: SeriesSpec[]): string {
  const ts = series.map((s, i) => `
  <TimeSeries>
    <mRID>${i + 1}</mRID>
    <auction.type>A01</auction.type>
    <businessType>A62</businessType>
    <in_Domain.mRID codingScheme="A01">10YBE----------2</in_Domain.mRID>
    <out_Domain.mRID codingScheme="A01">10YBE----------2</out_Domain.mRID>
    <contract_MarketAgreement.type>${s.contractType ?? 'A01'}</contract_MarketAgreement.type>
    <currency_Unit.name>EUR</currency_Unit.name>
    <price_Measure_Unit.name>MWH</price_Measure_Unit.name>
    <curveType>${s.curveType ?? 'A01'}</curveType>
    <Period>
      <timeInterval>
        <start>${s.start}</start>
        <end>${s.end}</end>
      </timeInterval>
      <resolution>${s.resolution}</resolution>${s.points.map(([position, price]) => `
      <Point>
        <position>${position}</position>
        <price.amount>${price}</price.amount>
      </Point>`).join('')}
    </Period>
  </TimeSeries>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?>
<Publication_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3">
  <mRID>a1b2c3d4</mRID>
  <revisionNumber>1</revisionNumber>
  <type>A44</type>
  <sender_MarketParticipant.mRID codingScheme="A01">10X1001A1001A450</sender_MarketParticipant.mRID>
  <sender_MarketParticipant.marketRole.type>A32</sender_MarketParticipant.marketRole.type>
  <receiver_MarketParticipant.mRID codingScheme="A01">10X1001A1001A450</receiver_MarketParticipant.mRID>
  <receiver_MarketParticipant.marketRole.type>A33</receiver_MarketParticipant.marketRole.type>
  <createdDateTime>2025-10-04T12:00:00Z</createdDateTime>
  <period.timeInterval>
    <start>${series[0]?.start ?? ''}</start>
    <end>${series[series.length - 1]?.end ?? ''}</end>
  </period.timeInterval>${ts}
</Publication_MarketDocument>
`;
}

export function acknowledgementXml(code: string, text: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<Acknowledgement_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-1:acknowledgementdocument:7:0">
  <mRID>e5f6a7b8</mRID>
  <createdDateTime>2025-10-04T12:00:00Z</createdDateTime>
  <sender_MarketParticipant.mRID codingScheme="A01">10X1001A1001A450</sender_MarketParticipant.mRID>
  <sender_MarketParticipant.marketRole.type>A32</sender_MarketParticipant.marketRole.type>
  <receiver_MarketParticipant.mRID codingScheme="A01">10X1001A1001A450</receiver_MarketParticipant.mRID>
  <receiver_MarketParticipant.marketRole.type>A39</receiver_MarketParticipant.marketRole.type>
  <received_MarketDocument.createdDateTime>2025-10-04T12:00:00Z</received_MarketDocument.createdDateTime>
  <Reason>
    <code>${code}</code>
    <text>${text}</text>
  </Reason>
</Acknowledgement_MarketDocument>
`;
}

/** Energy-Charts /price answer: stamps from `startSeconds` every `stepSeconds`. */
export function energyChartsJson(startSeconds: number, stepSeconds: number, prices: (number | null)[]): string {
  return JSON.stringify({
    license_info: 'CC BY 4.0 (creativecommons.org/licenses/by/4.0) from Bundesnetzagentur | SMARD.de',
    unix_seconds: prices.map((_, i) => startSeconds + i * stepSeconds),
    price: prices,
    unit: 'EUR / MWh',
    deprecated: false,
  });
}
