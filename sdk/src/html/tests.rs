//! The escaping and the places of `html!` and `attributes!`, at run time.

use super::{Attributes, Html};

const HOSTILE: &str = r#"<script>alert("x")</script> & 'y'"#;
const ESCAPED: &str = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;y&#x27;";

#[test]
fn text_is_escaped_in_content_and_in_quoted_values() {
    assert_eq!(html!("<p>{}</p>", HOSTILE).as_str(), format!("<p>{ESCAPED}</p>"));
    assert_eq!(Html::text(HOSTILE).as_str(), ESCAPED);
    let broken_out = "\" autofocus onfocus=\"alert(1)";
    let input = html!("<input name=\"title\" value=\"{}\">", broken_out);
    assert_eq!(input.as_str(), "<input name=\"title\" value=\"&quot; autofocus onfocus=&quot;alert(1)\">");
    let single = html!("<a title='{}'>x</a>", "' onclick='alert(1)");
    assert_eq!(single.as_str(), "<a title='&#x27; onclick=&#x27;alert(1)'>x</a>");
    let area = html!("<textarea name=\"body\">{}</textarea>", "</textarea><script>x</script>");
    assert_eq!(area.as_str(), "<textarea name=\"body\">&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;</textarea>");
    let owned = String::from("a<b");
    assert_eq!(html!("{}{}", owned, &owned).as_str(), "a&lt;ba&lt;b");
}

#[test]
fn numbers_and_precision_come_out_as_written() {
    assert_eq!(html!("{} rooms, CHF {:.2}, {}", 3, 1890.5, -7i64).as_str(), "3 rooms, CHF 1890.50, -7");
    assert_eq!(html!("{:.3}", "<abcdef").as_str(), "&lt;ab", "a precision cuts text before escaping");
    assert_eq!(html!("{{}} {}", 'x').as_str(), "{} x");
}

#[test]
fn html_is_taken_as_it_is_once() {
    let inner = html!("<b>{}</b>", "&");
    let outer = html!("<p>{}</p>", inner);
    assert_eq!(outer.as_str(), "<p><b>&amp;</b></p>");
    let by_reference = html!("<p>{}</p>", &outer);
    assert_eq!(by_reference.as_str(), "<p><p><b>&amp;</b></p></p>");
    assert_eq!(Html::raw("<hr>").as_str(), "<hr>");
}

#[test]
fn inside_a_tag_only_attributes_stand_with_their_values_escaped() {
    let selected = attributes!(" selected");
    assert_eq!(html!("<option value=\"{}\"{}>x</option>", "a\"b", selected).as_str(), {
        "<option value=\"a&quot;b\" selected>x</option>"
    });
    let none = Attributes::new();
    assert!(none.is_empty());
    assert_eq!(html!("<option{}>", &none).as_str(), "<option>");
    // The forms that reached attribute injection before: a value meant
    // for a tag now only ever lands inside quotes, escaped.
    let typed = "x onmouseover=alert(1)";
    let href = attributes!(" href=\"{}\"", typed);
    assert_eq!(html!("<a{}>", href).as_str(), "<a href=\"x onmouseover=alert(1)\">");
    let broken_out = "\" onclick=\"alert(1)";
    let title = attributes!(" title='{}'{}", broken_out, href);
    assert_eq!(title.as_str(), " title='&quot; onclick=&quot;alert(1)' href=\"x onmouseover=alert(1)\"");
    assert_eq!(format!("{:?}", attributes!(" hidden")), "Attributes(\" hidden\")");
}

#[test]
fn a_value_in_quotes_may_follow_an_equals_sign() {
    let cursor = "c&d\"";
    assert_eq!(html!("<a href=\"?after={}\">", cursor).as_str(), "<a href=\"?after=c&amp;d&quot;\">");
    assert_eq!(html!("<p>1 + 1 &#61; {}</p>", 2).as_str(), "<p>1 + 1 &#61; 2</p>");
}

#[test]
fn parts_collect_into_one() {
    let list: Html = ["<1>", "2"].iter().map(|item| html!("<li>{}</li>", item)).collect();
    assert_eq!(list.as_str(), "<li>&lt;1&gt;</li><li>2</li>");
    let mut page = html!("<ul>");
    page.push(list);
    page.extend([html!("</ul>")]);
    assert_eq!(page.into_string(), "<ul><li>&lt;1&gt;</li><li>2</li></ul>");
    assert!(Html::default().is_empty());
}
