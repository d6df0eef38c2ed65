//! A large type generated from the public corpus, EC2's `DescribeVolumesResponse` (a volume set
//! of 1,000 volumes, each with an attachment set and a tag set), written and read by the
//! generated code on the `wsclient` runtime and by hand-written `quick-xml` code for the same
//! XML, in the same run.
//!
//! ```sh
//! cargo bench -p wsclient-corpus-tests --bench ec2_volumes
//! ```
//!
//! Like the root package's `benches/xml.rs` (whose alternating rounds it shares), the bench first
//! asserts that both writers produce
//! the same bytes and that both readers give the same value. The hand-written reader matches
//! local names only, as such code usually does; the generated reader also checks each element's
//! namespace. Without the corpus (`shared/wsdl-corpus/` beside the repository) the types are
//! not generated and the bench says so.

#[cfg(corpus)]
#[path = "../../../benches/support/alternate.rs"]
mod alternate;
#[cfg(corpus)]
#[path = "../../../benches/support/hand.rs"]
mod shared_hand;

#[cfg(corpus)]
mod volumes {
    use super::alternate::alternate;
    use std::borrow::Cow;
    use std::error::Error;
    use std::hint::black_box;
    use std::time::Duration;

    use criterion::{Criterion, Throughput};
    use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
    use quick_xml::{Reader, Writer};

    use wsclient::soap::{read_response, write_request, SoapVersion};
    use wsclient::xml::Field;
    use wsclient_corpus_tests::ec2::{
        AttachmentSetItemResponseType, AttachmentSetResponseType, DescribeVolumesResponseType,
        DescribeVolumesSetItemResponseType, DescribeVolumesSetResponseType, ResourceTagSetItemType,
        ResourceTagSetType, NS1,
    };

    type Result<T> = std::result::Result<T, Box<dyn Error>>;

    const NS: &str = "http://ec2.amazonaws.com/doc/2013-10-15/";
    const RESPONSE: Field = Field::new(NS1, "DescribeVolumesResponse");

    /// One volume, with values that vary from one to the next (and one `&` to escape).
    fn volume(i: usize) -> DescribeVolumesSetItemResponseType {
        let id = format!("vol-{i:08x}");
        DescribeVolumesSetItemResponseType {
            volume_id: id.clone(),
            size: (8 + i % 500).to_string(),
            snapshot_id: format!("snap-{:08x}", i * 7),
            availability_zone: format!("eu-west-1{}", ['a', 'b', 'c'][i % 3]),
            status: "in-use".into(),
            create_time: format!("2026-11-{:02}T08:{:02}:00.000Z", 1 + i % 28, i % 60),
            attachment_set: AttachmentSetResponseType {
                item: vec![AttachmentSetItemResponseType {
                    volume_id: id,
                    instance_id: format!("i-{:08x}", i / 2),
                    device: "/dev/sdf".into(),
                    status: "attached".into(),
                    attach_time: format!("2026-11-{:02}T09:00:00.000Z", 1 + i % 28),
                    delete_on_termination: i % 2 == 0,
                }],
            },
            tag_set: Some(ResourceTagSetType {
                item: vec![
                    ResourceTagSetItemType {
                        key: "Name".into(),
                        value: format!("data volume {i}"),
                    },
                    ResourceTagSetItemType {
                        key: "cost-centre".into(),
                        value: format!("R&D {}", i % 12),
                    },
                ],
            }),
            volume_type: if i % 4 == 0 { "io1" } else { "gp2" }.into(),
            iops: (i % 4 == 0).then_some(3000),
        }
    }

    fn response(volumes: usize) -> DescribeVolumesResponseType {
        DescribeVolumesResponseType {
            request_id: "59dbff89-35bd-4eac-99ed-be587EXAMPLE".into(),
            volume_set: DescribeVolumesSetResponseType {
                item: (0..volumes).map(volume).collect(),
            },
        }
    }

    fn generated_write(value: &DescribeVolumesResponseType) -> Vec<u8> {
        write_request(SoapVersion::V11, RESPONSE, value, &[]).expect("writes")
    }

    fn generated_read(bytes: &[u8]) -> DescribeVolumesResponseType {
        read_response(bytes, RESPONSE).expect("reads")
    }

    // -- by hand: writing

    type W = Writer<Vec<u8>>;

    fn text_element(w: &mut W, name: &str, text: &str) -> Result<()> {
        w.create_element(name)
            .write_text_content(BytesText::new(text))?;
        Ok(())
    }

    fn start(w: &mut W, name: &str) -> Result<()> {
        w.write_event(Event::Start(BytesStart::new(name)))?;
        Ok(())
    }

    fn end(w: &mut W, name: &str) -> Result<()> {
        w.write_event(Event::End(BytesEnd::new(name)))?;
        Ok(())
    }

    fn hand_write(value: &DescribeVolumesResponseType) -> Result<Vec<u8>> {
        let mut w = Writer::new(Vec::with_capacity(512 * value.volume_set.item.len() + 512));
        super::shared_hand::open_envelope(&mut w, "DescribeVolumesResponse", NS)?;
        text_element(&mut w, "requestId", &value.request_id)?;
        start(&mut w, "volumeSet")?;
        for v in &value.volume_set.item {
            start(&mut w, "item")?;
            text_element(&mut w, "volumeId", &v.volume_id)?;
            text_element(&mut w, "size", &v.size)?;
            text_element(&mut w, "snapshotId", &v.snapshot_id)?;
            text_element(&mut w, "availabilityZone", &v.availability_zone)?;
            text_element(&mut w, "status", &v.status)?;
            text_element(&mut w, "createTime", &v.create_time)?;
            start(&mut w, "attachmentSet")?;
            for a in &v.attachment_set.item {
                start(&mut w, "item")?;
                text_element(&mut w, "volumeId", &a.volume_id)?;
                text_element(&mut w, "instanceId", &a.instance_id)?;
                text_element(&mut w, "device", &a.device)?;
                text_element(&mut w, "status", &a.status)?;
                text_element(&mut w, "attachTime", &a.attach_time)?;
                let delete = if a.delete_on_termination {
                    "true"
                } else {
                    "false"
                };
                text_element(&mut w, "deleteOnTermination", delete)?;
                end(&mut w, "item")?;
            }
            end(&mut w, "attachmentSet")?;
            if let Some(tags) = &v.tag_set {
                start(&mut w, "tagSet")?;
                for t in &tags.item {
                    start(&mut w, "item")?;
                    text_element(&mut w, "key", &t.key)?;
                    text_element(&mut w, "value", &t.value)?;
                    end(&mut w, "item")?;
                }
                end(&mut w, "tagSet")?;
            }
            text_element(&mut w, "volumeType", &v.volume_type)?;
            if let Some(iops) = v.iops {
                text_element(&mut w, "iops", &iops.to_string())?;
            }
            end(&mut w, "item")?;
        }
        end(&mut w, "volumeSet")?;
        end(&mut w, "DescribeVolumesResponse")?;
        end(&mut w, "soap:Body")?;
        end(&mut w, "soap:Envelope")?;
        Ok(w.into_inner())
    }

    // -- by hand: reading

    type R<'a> = Reader<&'a [u8]>;

    /// The text of the element whose start tag was just read, consuming its end tag.
    fn text<'a>(r: &mut R<'a>) -> Result<Cow<'a, str>> {
        super::shared_hand::text(|| r.read_event())
    }

    fn string(r: &mut R<'_>) -> Result<String> {
        Ok(text(r)?.into_owned())
    }

    /// Calls `each` for every child element of the element just opened, with its local name;
    /// `each` consumes the child. Returns at the parent's end tag.
    fn children<'a>(
        r: &mut R<'a>,
        mut each: impl FnMut(&mut R<'a>, &[u8]) -> Result<bool>,
    ) -> Result<()> {
        loop {
            match r.read_event()? {
                Event::Start(e) if !each(r, e.local_name().as_ref())? => {
                    r.read_to_end(e.name())?;
                }
                Event::End(_) => return Ok(()),
                Event::Eof => return Err("the document ends early".into()),
                _ => {}
            }
        }
    }

    fn attachment(r: &mut R<'_>) -> Result<AttachmentSetItemResponseType> {
        let mut a = AttachmentSetItemResponseType::default();
        children(r, |r, name| {
            match name {
                b"volumeId" => a.volume_id = string(r)?,
                b"instanceId" => a.instance_id = string(r)?,
                b"device" => a.device = string(r)?,
                b"status" => a.status = string(r)?,
                b"attachTime" => a.attach_time = string(r)?,
                b"deleteOnTermination" => {
                    a.delete_on_termination = match text(r)?.trim() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        other => return Err(format!("{other:?} is not a boolean").into()),
                    }
                }
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(a)
    }

    fn tag(r: &mut R<'_>) -> Result<ResourceTagSetItemType> {
        let mut t = ResourceTagSetItemType::default();
        children(r, |r, name| {
            match name {
                b"key" => t.key = string(r)?,
                b"value" => t.value = string(r)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(t)
    }

    fn volume_item(r: &mut R<'_>) -> Result<DescribeVolumesSetItemResponseType> {
        let mut v = DescribeVolumesSetItemResponseType::default();
        children(r, |r, name| {
            match name {
                b"volumeId" => v.volume_id = string(r)?,
                b"size" => v.size = string(r)?,
                b"snapshotId" => v.snapshot_id = string(r)?,
                b"availabilityZone" => v.availability_zone = string(r)?,
                b"status" => v.status = string(r)?,
                b"createTime" => v.create_time = string(r)?,
                b"attachmentSet" => children(r, |r, name| {
                    if name != b"item" {
                        return Ok(false);
                    }
                    v.attachment_set.item.push(attachment(r)?);
                    Ok(true)
                })?,
                b"tagSet" => {
                    let mut tags = ResourceTagSetType::default();
                    children(r, |r, name| {
                        if name != b"item" {
                            return Ok(false);
                        }
                        tags.item.push(tag(r)?);
                        Ok(true)
                    })?;
                    v.tag_set = Some(tags);
                }
                b"volumeType" => v.volume_type = string(r)?,
                b"iops" => v.iops = Some(text(r)?.trim().parse()?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(v)
    }

    fn hand_read(xml: &[u8]) -> Result<DescribeVolumesResponseType> {
        let mut r = Reader::from_reader(xml);
        // Skips to the answer in the SOAP Body, failing on a fault.
        loop {
            match r.read_event()? {
                Event::Start(e) if e.local_name().as_ref() == b"DescribeVolumesResponse" => break,
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Fault" => {
                    return Err("SOAP fault".into())
                }
                Event::Eof => return Err("no DescribeVolumesResponse".into()),
                _ => {}
            }
        }
        let mut out = DescribeVolumesResponseType::default();
        children(&mut r, |r, name| {
            match name {
                b"requestId" => out.request_id = string(r)?,
                b"volumeSet" => children(r, |r, name| {
                    if name != b"item" {
                        return Ok(false);
                    }
                    out.volume_set.item.push(volume_item(r)?);
                    Ok(true)
                })?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(out)
    }

    pub fn bench(c: &mut Criterion) {
        let value = response(1000);
        let bytes = generated_write(&value);
        let by_hand = hand_write(&value).expect("the hand-written writer works");
        assert!(
            bytes == by_hand,
            "the two writers differ:\n{}\n{}",
            String::from_utf8_lossy(&bytes[..600.min(bytes.len())]),
            String::from_utf8_lossy(&by_hand[..600.min(by_hand.len())])
        );
        assert_eq!(generated_read(&bytes), value, "generated reader");
        assert_eq!(
            hand_read(&bytes).expect("the hand-written reader works"),
            value,
            "hand-written reader"
        );
        println!("ec2_describe_volumes_1000: {} bytes", bytes.len());
        alternate(
            "ec2_describe_volumes_1000/write",
            || drop(black_box(generated_write(black_box(&value)))),
            || drop(black_box(hand_write(black_box(&value)))),
        );
        alternate(
            "ec2_describe_volumes_1000/read",
            || drop(black_box(generated_read(black_box(&bytes)))),
            || drop(black_box(hand_read(black_box(&bytes)))),
        );

        let mut group = c.benchmark_group("ec2_describe_volumes_1000/write");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("generated", |b| {
            b.iter(|| generated_write(black_box(&value)))
        });
        group.bench_function("hand_written", |b| {
            b.iter(|| hand_write(black_box(&value)).expect("writes"))
        });
        group.finish();

        let mut group = c.benchmark_group("ec2_describe_volumes_1000/read");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("generated", |b| {
            b.iter(|| generated_read(black_box(&bytes)))
        });
        group.bench_function("hand_written", |b| {
            b.iter(|| hand_read(black_box(&bytes)).expect("reads"))
        });
        group.finish();
    }

    /// Shorter runs than criterion's default: the figures are ratios measured side by side.
    pub fn config() -> Criterion {
        Criterion::default()
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2))
            .sample_size(30)
    }
}

#[cfg(corpus)]
criterion::criterion_group! {
    name = benches;
    config = volumes::config();
    targets = volumes::bench
}

#[cfg(corpus)]
criterion::criterion_main!(benches);

#[cfg(not(corpus))]
fn main() {
    eprintln!(
        "SKIPPED: the WSDL corpus (shared/wsdl-corpus/ beside the repository) is absent, so \
         its types are not generated and there is nothing to measure"
    );
}
